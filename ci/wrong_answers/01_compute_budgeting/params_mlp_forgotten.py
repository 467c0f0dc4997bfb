# Wrong answer: 4 d_model^2 per layer (attention only, the MLP's 8 d_model^2 forgotten)
# targets: test_param_count
# %% cell: param_count
def param_count(n_layer, d_model, n_vocab=50257, n_ctx=2048):
    per_layer = 4 * d_model**2 + 4 * d_model
    return n_layer * per_layer + n_vocab * d_model + n_ctx * d_model
