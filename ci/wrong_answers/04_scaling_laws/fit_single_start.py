# Wrong answer: one L-BFGS run from a single starting point (all zeros) instead of the grid: it stops in a poorer local
# minimum
# targets: test_fit
# %% cell: fit
def fit_scaling_law(N, D, L, delta=1e-3):
    res = minimize(fit_objective, np.zeros(5), args=(N, D, L, delta), method="L-BFGS-B")
    a, b, e, alpha, beta = res.x
    return {
        "E": float(np.exp(e)),
        "A": float(np.exp(a)),
        "B": float(np.exp(b)),
        "alpha": float(alpha),
        "beta": float(beta),
    }
