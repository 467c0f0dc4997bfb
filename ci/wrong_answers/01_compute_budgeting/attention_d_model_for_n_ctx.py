# Wrong answer: the attention term counted with d_model where n_ctx belongs
# targets: test_flops_per_token
# %% cell: flops_per_token
def flops_per_token(n_layer, d_model, n_ctx):
    return 6 * 12 * n_layer * d_model**2 + 12 * n_layer * d_model * d_model


def attention_share(n_layer, d_model, n_ctx):
    return 12 * n_layer * d_model * d_model / flops_per_token(n_layer, d_model, n_ctx)
