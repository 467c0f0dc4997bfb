# Wrong answer: the fit keeps every run of the table, the losses logged part-way through a longer schedule included
# targets: test_predict
# %% cell: predict
my_fit = fit_scaling_law(SWEEP[:, 0], SWEEP[:, 1], SWEEP[:, 3])


def predict_larger(N, D):
    return chinchilla_loss(N, D, **my_fit)
