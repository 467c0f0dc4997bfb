# Wrong answer: budget.training_state_bytes: the library's finished version, wrapped in one line (switched off while
# grading)
# targets: test_training_state
# %% cell: training_state_bytes
from minirepro import budget


def training_state_bytes(n_params):
    return budget.training_state_bytes(n_params)
