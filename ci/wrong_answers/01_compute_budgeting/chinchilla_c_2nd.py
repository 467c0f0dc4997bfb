# Wrong answer: C = 2ND along the IsoFLOP curve (forward FLOPs only)
# targets: test_compute_optimal
# %% cell: chinchilla
def chinchilla_loss(n_params, n_tokens, fit=facts.CHINCHILLA_FIT):
    return fit["E"] + fit["A"] / n_params ** fit["alpha"] + fit["B"] / n_tokens ** fit["beta"]


def compute_optimal(flops, fit=facts.CHINCHILLA_FIT):
    alpha, beta = fit["alpha"], fit["beta"]
    g = (alpha * fit["A"] / (beta * fit["B"])) ** (1 / (alpha + beta))
    n_opt = g * (flops / 2) ** (beta / (alpha + beta))
    return n_opt, flops / (2 * n_opt)
