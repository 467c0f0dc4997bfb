# Wrong answer: the mean of the Huber terms over runs instead of their sum
# targets: test_objective
# %% cell: objective
def fit_objective(theta, N, D, L, delta=1e-3):
    a, b, e, alpha, beta = theta
    N, D, L = (np.asarray(x, dtype=float) for x in (N, D, L))
    terms = np.stack([a - alpha * np.log(N), b - beta * np.log(D), np.full(N.shape, e)])
    return float(np.mean(huber(logsumexp(terms, axis=0) - np.log(L), delta)))
