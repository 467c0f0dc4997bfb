# Wrong answer: weights only, no biases and no LayerNorm parameters (within 2% of Table 2.1, but not exact)
# targets: test_param_count
# %% cell: param_count
def param_count(n_layer, d_model, n_vocab=50257, n_ctx=2048):
    return n_layer * 12 * d_model**2 + (n_vocab + n_ctx) * d_model
