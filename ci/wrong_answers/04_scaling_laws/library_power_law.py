# Wrong answer: the power-law exponent taken from the library (minirepro.scaling.power_law)
# targets: test_approach2
# %% cell: approach2
from minirepro import scaling


def isoflop_minimum(N, L):
    c2, c1, _ = np.polyfit(np.log(np.asarray(N, dtype=float)), np.asarray(L, dtype=float), 2)
    if c2 <= 0:
        raise ValueError("the parabola opens downwards: this IsoFLOP curve has no minimum")
    return float(np.exp(-c1 / (2 * c2)))


def power_law_exponent(x, y):
    return scaling.power_law(x, y)[0]
