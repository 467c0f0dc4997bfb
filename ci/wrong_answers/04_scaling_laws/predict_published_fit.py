# Wrong answer: no fit at all: the published Chinchilla law, which is not this world's
# targets: test_predict
# %% cell: predict
def predict_larger(N, D):
    return chinchilla_loss(N, D, **CHINCHILLA)
