# Wrong answer: budget.activation_bytes: the library's finished version, wrapped in one line (switched off while
# grading)
# targets: test_activations
# %% cell: activation_bytes
from minirepro import budget


def activation_bytes(seq_len, micro_batch, d_model, n_heads, n_layer):
    return budget.activation_bytes(seq_len, micro_batch, d_model, n_heads, n_layer)
