# Wrong answer: the budget split with C = 2ND (forward pass only) instead of C = 6ND
# targets: test_allocation
# %% cell: allocation
def allocation_exponents(alpha, beta):
    return beta / (alpha + beta), alpha / (alpha + beta)


def compute_optimal(C, E, A, B, alpha, beta):
    a, b = allocation_exponents(alpha, beta)
    G = (alpha * A / (beta * B)) ** (1 / (alpha + beta))
    C = np.asarray(C, dtype=float)
    return G * (C / 2) ** a, (C / 2) ** b / G
