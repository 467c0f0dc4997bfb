# Wrong answer: the whole token list is cut to n_ctx before the shift, so the model sees one context token fewer than it
# could
# targets: test_loglik
# %% cell: loglik
def loglikelihoods(model, requests, batch_size=16):
    out = []
    for context, continuation in requests:
        cont = encode(continuation)
        if len(cont) > model.cfg.n_ctx:
            raise ValueError("continuation longer than n_ctx")
        tokens = ((encode(context) or [EOT]) + cont)[-model.cfg.n_ctx :]
        inputs, targets = tokens[:-1], tokens[1:]
        with torch.no_grad():
            logits, _ = model(torch.tensor([inputs]))
        logp = F.log_softmax(logits[0].float(), -1).gather(-1, torch.tensor(targets).unsqueeze(-1)).squeeze(-1)
        out.append(float(logp[-min(len(cont), len(targets)) :].sum()))
    return out
