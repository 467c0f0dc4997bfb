# Wrong answer: the attention term dropped, so the share is always zero
# targets: test_flops_per_token
# %% cell: flops_per_token
def flops_per_token(n_layer, d_model, n_ctx):
    return 6 * 12 * n_layer * d_model**2


def attention_share(n_layer, d_model, n_ctx):
    return 0.0
