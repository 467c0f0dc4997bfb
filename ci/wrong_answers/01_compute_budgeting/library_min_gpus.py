# Wrong answer: budget.min_gpus: the library's finished version, wrapped in one line (switched off while grading)
# targets: test_min_gpus
# %% cell: min_gpus
from minirepro import budget


def min_gpus(n_params, gpu_bytes=80e9, stage=3):
    return budget.min_gpus(n_params, gpu_bytes, stage)
