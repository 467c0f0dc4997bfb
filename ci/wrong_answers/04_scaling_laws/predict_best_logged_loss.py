# Wrong answer: no extrapolation: every larger run predicted at the table's lowest logged loss
# targets: test_predict
# %% cell: predict
def predict_larger(N, D):
    return np.full(np.broadcast(np.asarray(N), np.asarray(D)).shape, SWEEP[:, 3].min())
