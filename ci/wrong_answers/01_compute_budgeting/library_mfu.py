# Wrong answer: budget.mfu: the library's finished version, wrapped in one line (switched off while grading)
# targets: test_cost
# %% cell: cost
from minirepro import budget


def gpu_days(flops, peak_flops, mfu):
    return flops / (peak_flops * mfu) / 86400


def training_cost(flops, peak_flops, mfu, usd_per_gpu_hour):
    return gpu_days(flops, peak_flops, mfu) * 24 * usd_per_gpu_hour


def mfu(tokens_per_s, flops_per_token, peak_flops):
    return budget.mfu(tokens_per_s, flops_per_token, peak_flops)
