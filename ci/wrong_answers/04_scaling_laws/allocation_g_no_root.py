# Wrong answer: G without its 1/(alpha+beta) power (the derivative's ratio, not solved for N)
# targets: test_allocation
# %% cell: allocation
def allocation_exponents(alpha, beta):
    return beta / (alpha + beta), alpha / (alpha + beta)


def compute_optimal(C, E, A, B, alpha, beta):
    a, b = allocation_exponents(alpha, beta)
    G = alpha * A / (beta * B)
    C = np.asarray(C, dtype=float)
    return G * (C / 6) ** a, (C / 6) ** b / G
