# Wrong answer: the IsoFLOP vertex taken from the library (minirepro.scaling.isoflop_parabola)
# targets: test_approach2
# %% cell: approach2
from minirepro import scaling


def isoflop_minimum(N, L):
    _, x_min = scaling.isoflop_parabola(np.log(N), L)
    if x_min is None:
        raise ValueError("the parabola opens downwards: this IsoFLOP curve has no minimum")
    return float(np.exp(x_min))


def power_law_exponent(x, y):
    return float(np.polyfit(np.log(np.asarray(x, dtype=float)), np.log(np.asarray(y, dtype=float)), 1)[0])
