# Wrong answer: the continuation's log-likelihood recovered from the library's perplexity
# targets: test_loglik
# %% cell: loglik
from minirepro import evaluate as ev


def loglikelihoods(model, requests, batch_size=16):
    def total(text):
        return -math.log(ev.perplexity(model, text)) * len(encode(text))

    out = []
    for context, continuation in requests:
        if len(encode(continuation)) > model.cfg.n_ctx:
            raise ValueError("continuation longer than n_ctx")
        out.append(total(context + continuation) - total(context) if context else total(continuation))
    return out
