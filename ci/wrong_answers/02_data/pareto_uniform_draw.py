# Wrong answer: a uniform draw instead of a Pareto draw (keep iff U > 1 - score, i.e. with probability = score)
# targets: test_pareto
# %% cell: pareto
def keep_probability(score, alpha=9.0):
    return np.asarray(score, dtype=float)


def pareto_keep(scores, alpha=9.0, seed=0):
    scores = np.asarray(scores, dtype=float)
    return np.random.default_rng(seed).random(len(scores)) > 1.0 - scores
