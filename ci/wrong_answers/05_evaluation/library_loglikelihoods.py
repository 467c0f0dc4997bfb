# Wrong answer: a one-line wrapper around the library's minirepro.evaluate.loglikelihoods
# targets: test_loglik
# %% cell: loglik
from minirepro import evaluate as ev


def loglikelihoods(model, requests, batch_size=16):
    return [r.logprob for r in ev.loglikelihoods(model, requests, batch_size=batch_size)]
