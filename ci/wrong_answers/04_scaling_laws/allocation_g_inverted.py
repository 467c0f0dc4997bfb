# Wrong answer: the constant G upside down, (beta B / (alpha A))^(1/(alpha+beta)): right exponents, wrong split
# targets: test_allocation
# %% cell: allocation
def allocation_exponents(alpha, beta):
    return beta / (alpha + beta), alpha / (alpha + beta)


def compute_optimal(C, E, A, B, alpha, beta):
    a, b = allocation_exponents(alpha, beta)
    G = (beta * B / (alpha * A)) ** (1 / (alpha + beta))
    C = np.asarray(C, dtype=float)
    return G * (C / 6) ** a, (C / 6) ** b / G
