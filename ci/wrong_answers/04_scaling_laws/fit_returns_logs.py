# Wrong answer: the fit returns a, b, e (the logs) as A, B, E, forgetting to exponentiate them back
# targets: test_fit
# %% cell: fit
def fit_scaling_law(N, D, L, delta=1e-3):
    best = None
    for start in GRID:
        res = minimize(fit_objective, np.array(start), args=(N, D, L, delta), method="L-BFGS-B")
        if best is None or res.fun < best.fun:
            best = res
    a, b, e, alpha, beta = best.x
    return {"E": float(e), "A": float(a), "B": float(b), "alpha": float(alpha), "beta": float(beta)}
