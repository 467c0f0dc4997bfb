# Wrong answer: the compute-optimal split taken from the library (minirepro.scaling.compute_optimal)
# targets: test_allocation
# %% cell: allocation
from minirepro import scaling


def allocation_exponents(alpha, beta):
    return beta / (alpha + beta), alpha / (alpha + beta)


def compute_optimal(C, E, A, B, alpha, beta):
    return scaling.compute_optimal(dict(E=E, A=A, B=B, alpha=alpha, beta=beta), C)
