# Wrong answer: a one-line wrapper around the library's finished loss surface (minirepro.scaling.law_loss)
# targets: test_loss
# %% cell: loss
from minirepro import scaling


def chinchilla_loss(N, D, E, A, B, alpha, beta):
    return scaling.law_loss(dict(E=E, A=A, B=B, alpha=alpha, beta=beta), N, D)
