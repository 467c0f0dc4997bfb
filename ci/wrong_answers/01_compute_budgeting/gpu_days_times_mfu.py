# Wrong answer: multiplies by MFU instead of dividing (a less efficient run would finish sooner)
# targets: test_cost
# %% cell: cost
def gpu_days(flops, peak_flops, mfu):
    return flops * mfu / peak_flops / 86400


def training_cost(flops, peak_flops, mfu, usd_per_gpu_hour):
    return gpu_days(flops, peak_flops, mfu) * 24 * usd_per_gpu_hour


def mfu(tokens_per_s, flops_per_token, peak_flops):
    return tokens_per_s * flops_per_token / peak_flops
