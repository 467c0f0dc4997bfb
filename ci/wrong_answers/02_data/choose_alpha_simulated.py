# Wrong answer: bisection on the share kept by one simulated draw per page instead of the expected share
# targets: test_choose_alpha
# %% cell: choose_alpha
def choose_alpha(scores, keep_share):
    s = np.asarray(scores, dtype=float)
    if not np.mean(s >= 1.0) < keep_share < 1.0:
        raise ValueError("no alpha keeps that share")
    lo, hi = -40.0, 1.0
    while pareto_keep(s, float(np.exp(hi)), seed=0).mean() > keep_share:
        hi *= 2.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if pareto_keep(s, float(np.exp(mid)), seed=0).mean() > keep_share else (lo, mid)
    return float(np.exp((lo + hi) / 2))
