# Wrong answer: the log-likelihood of the whole prompt (context + continuation) instead of the continuation only
# targets: test_loglik
# %% cell: loglik
def loglikelihoods(model, requests, batch_size=16):
    out = []
    for context, continuation in requests:
        tokens = (encode(context) or [EOT]) + encode(continuation)
        inputs, targets = tokens[:-1][-model.cfg.n_ctx :], tokens[1:][-model.cfg.n_ctx :]
        with torch.no_grad():
            logits, _ = model(torch.tensor([inputs]))
        logp = F.log_softmax(logits[0].float(), -1).gather(-1, torch.tensor(targets).unsqueeze(-1))
        out.append(float(logp.sum()))
    return out
