# Wrong answer: batches padded on the LEFT: a model with position embeddings and no padding mask sees the padding
# targets: test_loglik
# %% cell: loglik
def loglikelihoods(model, requests, batch_size=16):
    n_ctx = model.cfg.n_ctx
    rows = []
    for context, continuation in requests:
        cont = encode(continuation)
        if len(cont) > n_ctx:
            raise ValueError("continuation longer than n_ctx")
        tokens = (encode(context) or [EOT]) + cont
        rows.append((tokens[:-1][-n_ctx:], tokens[1:][-n_ctx:], len(cont)))
    out = []
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        width = max(len(r[0]) for r in batch)
        x = torch.zeros(len(batch), width, dtype=torch.long)
        y = torch.zeros(len(batch), width, dtype=torch.long)
        mask = torch.zeros(len(batch), width, dtype=torch.bool)
        for i, (inputs, targets, n_cont) in enumerate(batch):
            x[i, width - len(inputs) :] = torch.tensor(inputs)
            y[i, width - len(targets) :] = torch.tensor(targets)
            mask[i, width - n_cont :] = True
        with torch.no_grad():
            logp = F.log_softmax(model(x)[0].float(), -1).gather(-1, y.unsqueeze(-1)).squeeze(-1)
        out.extend((logp * mask).sum(1).tolist())
    return out
