# Wrong answer: the vertex returned even when the parabola opens downwards (a maximum, not a minimum)
# targets: test_approach2
# %% cell: approach2
def isoflop_minimum(N, L):
    c2, c1, _ = np.polyfit(np.log(np.asarray(N, dtype=float)), np.asarray(L, dtype=float), 2)
    return float(np.exp(-c1 / (2 * c2)))


def power_law_exponent(x, y):
    return float(np.polyfit(np.log(np.asarray(x, dtype=float)), np.log(np.asarray(y, dtype=float)), 1)[0])
