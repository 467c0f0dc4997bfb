# Wrong answer: the right runs, but a least-squares fit on log loss, which the two diverged runs drag
# targets: test_predict
# %% cell: predict
final = SWEEP[:, 2] == SWEEP[:, 1]
N_f, D_f, L_f = SWEEP[final, 0], SWEEP[final, 1], SWEEP[final, 3]


def squared(theta):
    a, b, e, alpha, beta = theta
    terms = np.stack([a - alpha * np.log(N_f), b - beta * np.log(D_f), np.full(N_f.shape, e)])
    return float(np.sum((logsumexp(terms, axis=0) - np.log(L_f)) ** 2))


best = min((minimize(squared, np.array(s), method="L-BFGS-B") for s in GRID), key=lambda r: r.fun)
a, b, e, alpha, beta = best.x
my_fit = {
    "E": float(np.exp(e)),
    "A": float(np.exp(a)),
    "B": float(np.exp(b)),
    "alpha": float(alpha),
    "beta": float(beta),
}


def predict_larger(N, D):
    return chinchilla_loss(N, D, **my_fit)
