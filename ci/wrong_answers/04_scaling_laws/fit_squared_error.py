# Wrong answer: the fit minimises squared error on log loss instead of the Huber loss, so the outlier runs drag it
# targets: test_fit
# %% cell: fit
def fit_scaling_law(N, D, L, delta=1e-3):
    def squared(theta):
        a, b, e, alpha, beta = theta
        terms = np.stack([a - alpha * np.log(N), b - beta * np.log(D), np.full(np.shape(N), e)])
        return float(np.sum((logsumexp(terms, axis=0) - np.log(L)) ** 2))

    best = None
    for start in GRID:
        res = minimize(squared, np.array(start), method="L-BFGS-B")
        if best is None or res.fun < best.fun:
            best = res
    a, b, e, alpha, beta = best.x
    return {
        "E": float(np.exp(e)),
        "A": float(np.exp(a)),
        "B": float(np.exp(b)),
        "alpha": float(alpha),
        "beta": float(beta),
    }
