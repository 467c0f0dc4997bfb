# Wrong answer: layer norm on the values instead of the queries and keys
# targets: test_attention
# %% cell: attention
def causal_attention(q, k, v, qk_norm=False):
    d = q.size(-1)
    if qk_norm:
        v = F.layer_norm(v, (d,))
    T = q.size(-2)
    logits = q @ k.transpose(-2, -1) / math.sqrt(d)
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    logits = logits.masked_fill(~mask, float("-inf"))
    return torch.softmax(logits, dim=-1) @ v
