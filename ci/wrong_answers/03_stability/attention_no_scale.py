# Wrong answer: the 1/sqrt(d) scale of the logits forgotten
# targets: test_attention
# %% cell: attention
def causal_attention(q, k, v, qk_norm=False):
    d = q.size(-1)
    if qk_norm:
        q = F.layer_norm(q, (d,))
        k = F.layer_norm(k, (d,))
    T = q.size(-2)
    logits = q @ k.transpose(-2, -1)
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    logits = logits.masked_fill(~mask, float("-inf"))
    return torch.softmax(logits, dim=-1) @ v
