# Wrong answer: a one-line wrapper around the library's Approach 3 objective (minirepro.scaling.law_objective)
# targets: test_objective
# %% cell: objective
from minirepro import scaling


def fit_objective(theta, N, D, L, delta=1e-3):
    return scaling.law_objective(theta, np.log(N), np.log(D), np.log(L), delta)[0]
