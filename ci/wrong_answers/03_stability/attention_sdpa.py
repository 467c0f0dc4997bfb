# Wrong answer: qk-layernorm in front of PyTorch's fused attention (the question asks for the softmax itself)
# targets: test_attention
# %% cell: attention
def causal_attention(q, k, v, qk_norm=False):
    if qk_norm:
        q, k = F.layer_norm(q, (q.size(-1),)), F.layer_norm(k, (k.size(-1),))
    return F.scaled_dot_product_attention(q, k, v, is_causal=True)
