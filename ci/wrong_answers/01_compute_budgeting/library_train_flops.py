# Wrong answer: budget.train_flops: the library's finished version, wrapped in one line (switched off while grading)
# targets: test_train_flops
# %% cell: train_flops
from minirepro import budget


def train_flops(n_params, n_tokens):
    return budget.train_flops(n_params, n_tokens)
