# Wrong answer: keep_probability as a one-line wrapper around the library's (switched off while grading)
# targets: test_pareto
# %% cell: pareto
from minirepro import filtering


def keep_probability(score, alpha=9.0):
    return filtering.keep_probability(score, alpha)


def pareto_keep(scores, alpha=9.0, seed=0):
    scores = np.asarray(scores, dtype=float)
    return np.random.default_rng(seed).pareto(alpha, size=len(scores)) > 1.0 - scores
