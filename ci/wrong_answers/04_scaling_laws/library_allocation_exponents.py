# Wrong answer: the allocation exponents taken from the library (minirepro.scaling.allocation_exponents)
# targets: test_allocation
# %% cell: allocation
from minirepro import scaling


def allocation_exponents(alpha, beta):
    return scaling.allocation_exponents(alpha, beta)


def compute_optimal(C, E, A, B, alpha, beta):
    a, b = allocation_exponents(alpha, beta)
    G = (alpha * A / (beta * B)) ** (1 / (alpha + beta))
    C = np.asarray(C, dtype=float)
    return G * (C / 6) ** a, (C / 6) ** b / G
