# Wrong answer: the IsoFLOP parabola fitted against N instead of log N
# targets: test_approach2
# %% cell: approach2
def isoflop_minimum(N, L):
    c2, c1, _ = np.polyfit(np.asarray(N, dtype=float), np.asarray(L, dtype=float), 2)
    if c2 <= 0:
        raise ValueError("the parabola opens downwards: this IsoFLOP curve has no minimum")
    return float(-c1 / (2 * c2))


def power_law_exponent(x, y):
    return float(np.polyfit(np.log(np.asarray(x, dtype=float)), np.log(np.asarray(y, dtype=float)), 1)[0])
