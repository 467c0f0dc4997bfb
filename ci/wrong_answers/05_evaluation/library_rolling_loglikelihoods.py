# Wrong answer: the continuation's log-likelihood as a difference of the library's rolling_loglikelihoods
# targets: test_loglik
# %% cell: loglik
from minirepro import evaluate as ev


def loglikelihoods(model, requests, batch_size=16):
    out = []
    for context, continuation in requests:
        if len(encode(continuation)) > model.cfg.n_ctx:
            raise ValueError("continuation longer than n_ctx")
        if not context:
            out.append(ev.rolling_loglikelihoods(model, [continuation])[0])
        else:
            both, ctx = ev.rolling_loglikelihoods(model, [context + continuation, context])
            out.append(both - ctx)
    return out
