# Wrong answer: the library's pareto_keep re-exported under the answer's name (no wrapper at all)
# targets: test_pareto
# %% cell: pareto


def keep_probability(score, alpha=9.0):
    return (2.0 - np.asarray(score, dtype=float)) ** (-alpha)
