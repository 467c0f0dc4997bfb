# Wrong answer: counts the transformer layers only, forgetting the token and position embeddings
# targets: test_param_count
# %% cell: param_count
def param_count(n_layer, d_model, n_vocab=50257, n_ctx=2048):
    return n_layer * 12 * d_model**2
