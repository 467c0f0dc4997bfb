# Wrong answer: the library's private scorer minirepro.evaluate._score, called directly
# targets: test_loglik
# %% cell: loglik
from minirepro import evaluate as ev


def loglikelihoods(model, requests, batch_size=16):
    pairs = [(encode(c), encode(x)) for c, x in requests]
    return [r.logprob for r in ev._score(model, pairs, batch_size, model.cfg.n_ctx)]
