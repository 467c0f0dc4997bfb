# Wrong answer: counts the output layer as its own n_vocab x d_model matrix (GPT-3 ties it to the token embedding)
# targets: test_param_count
# %% cell: param_count
def param_count(n_layer, d_model, n_vocab=50257, n_ctx=2048):
    per_layer = 12 * d_model**2 + 13 * d_model
    return n_layer * per_layer + 2 * n_vocab * d_model + n_ctx * d_model + 2 * d_model
