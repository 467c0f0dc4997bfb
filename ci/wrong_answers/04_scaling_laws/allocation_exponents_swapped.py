# Wrong answer: allocation exponents a and b swapped (a = alpha / (alpha + beta))
# targets: test_allocation
# %% cell: allocation
def allocation_exponents(alpha, beta):
    return alpha / (alpha + beta), beta / (alpha + beta)


def compute_optimal(C, E, A, B, alpha, beta):
    a, b = allocation_exponents(alpha, beta)
    G = (alpha * A / (beta * B)) ** (1 / (alpha + beta))
    C = np.asarray(C, dtype=float)
    return G * (C / 6) ** a, (C / 6) ** b / G
