# Wrong answer: measure.flops_per_token with N = 12 L d^2: the library's finished version, wrapped in one line (switched
# off while grading)
# targets: test_flops_per_token
# %% cell: flops_per_token
from minirepro.measure import flops_per_token as _lib_fpt


def flops_per_token(n_layer, d_model, n_ctx):
    return _lib_fpt(12 * n_layer * d_model**2, n_layer, n_ctx, d_model)


def attention_share(n_layer, d_model, n_ctx):
    return 1 - 6 * 12 * n_layer * d_model**2 / flops_per_token(n_layer, d_model, n_ctx)
