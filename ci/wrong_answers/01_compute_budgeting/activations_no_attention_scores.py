# Wrong answer: the attention-scores term 5as/h forgotten (34 sbh per layer only)
# targets: test_activations
# %% cell: activation_bytes
def activation_bytes(seq_len, micro_batch, d_model, n_heads, n_layer):
    return n_layer * 34 * seq_len * micro_batch * d_model
