# Wrong answer: the log of a plain sum of exponentials instead of logsumexp: exp(e) overflows for large e
# targets: test_objective
# %% cell: objective
def fit_objective(theta, N, D, L, delta=1e-3):
    a, b, e, alpha, beta = theta
    N, D, L = (np.asarray(x, dtype=float) for x in (N, D, L))
    pred = np.log(np.exp(a) / N**alpha + np.exp(b) / D**beta + np.exp(e))
    return float(np.sum(huber(pred - np.log(L), delta)))
