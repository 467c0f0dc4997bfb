# Wrong answer: half the attention term (Kaplan's count, 6 n_layer n_ctx d_model), where the question asks for PaLM's
# full square
# targets: test_flops_per_token
# %% cell: flops_per_token
def flops_per_token(n_layer, d_model, n_ctx):
    return 6 * 12 * n_layer * d_model**2 + 6 * n_layer * n_ctx * d_model


def attention_share(n_layer, d_model, n_ctx):
    return 6 * n_layer * n_ctx * d_model / flops_per_token(n_layer, d_model, n_ctx)
