# Wrong answer: a one-line wrapper around the library's Approach 3 fit (minirepro.scaling.fit_law)
# targets: test_fit
# %% cell: fit
from minirepro import scaling


def fit_scaling_law(N, D, L, delta=1e-3):
    return {k: v for k, v in scaling.fit_law(N, D, L, delta=delta).items() if k != "objective"}
