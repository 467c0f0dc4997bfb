# Wrong answer: the Pareto rule with the inequality reversed (keep when the draw is below 1 - score)
# targets: test_pareto
# %% cell: pareto
def keep_probability(score, alpha=9.0):
    return 1.0 - (2.0 - np.asarray(score, dtype=float)) ** (-alpha)


def pareto_keep(scores, alpha=9.0, seed=0):
    scores = np.asarray(scores, dtype=float)
    return np.random.default_rng(seed).pareto(alpha, size=len(scores)) < 1.0 - scores
