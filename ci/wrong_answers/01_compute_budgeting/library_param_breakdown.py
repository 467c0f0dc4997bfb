# Wrong answer: budget.param_breakdown summed: the library's finished version, wrapped in one line (switched off while
# grading)
# targets: test_param_count
# %% cell: param_count
from minirepro import budget


def param_count(n_layer, d_model, n_vocab=50257, n_ctx=2048):
    return sum(budget.param_breakdown(n_layer, d_model, n_ctx, n_vocab).values())
