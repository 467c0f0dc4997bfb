# Wrong answer: pareto_keep as a one-line wrapper around the library's (switched off while grading)
# targets: test_pareto
# %% cell: pareto
from minirepro import filtering


def keep_probability(score, alpha=9.0):
    return (2.0 - np.asarray(score, dtype=float)) ** (-alpha)


def pareto_keep(scores, alpha=9.0, seed=0):
    return filtering.pareto_keep(scores, alpha, seed)
