# Wrong answer: budget.zero_bytes_per_gpu: the library's finished version, wrapped in one line (switched off while
# grading)
# targets: test_zero
# %% cell: zero_bytes_per_gpu
from minirepro import budget


def zero_bytes_per_gpu(n_params, n_gpus, stage):
    return budget.zero_bytes_per_gpu(n_params, n_gpus, stage)
