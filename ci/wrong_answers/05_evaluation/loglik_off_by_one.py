# Wrong answer: off-by-one in the continuation window: scores the last context token and drops the last continuation
# token
# targets: test_loglik
# %% cell: loglik
def loglikelihoods(model, requests, batch_size=16):
    out = []
    for context, continuation in requests:
        cont = encode(continuation)
        if len(cont) > model.cfg.n_ctx:
            raise ValueError("continuation longer than n_ctx")
        tokens = (encode(context) or [EOT]) + cont
        inputs, targets = tokens[:-1][-model.cfg.n_ctx :], tokens[1:][-model.cfg.n_ctx :]
        with torch.no_grad():
            logits, _ = model(torch.tensor([inputs]))
        logp = F.log_softmax(logits[0].float(), -1).gather(-1, torch.tensor(targets).unsqueeze(-1)).squeeze(-1)
        out.append(float(logp[len(targets) - len(cont) - 1 : len(targets) - 1].sum()))
    return out
