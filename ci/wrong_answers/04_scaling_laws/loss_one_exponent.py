# Wrong answer: one exponent for both terms (B / D**alpha instead of B / D**beta)
# targets: test_loss
# %% cell: loss
def chinchilla_loss(N, D, E, A, B, alpha, beta):
    N = np.asarray(N, dtype=float)
    D = np.asarray(D, dtype=float)
    return E + A / N**alpha + B / D**alpha
