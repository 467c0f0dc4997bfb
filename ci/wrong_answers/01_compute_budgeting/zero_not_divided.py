# Wrong answer: ZeRO memory not divided by the number of GPUs
# targets: test_zero
# %% cell: zero_bytes_per_gpu
def zero_bytes_per_gpu(n_params, n_gpus, stage):
    psi = n_params
    if stage == 0:
        return 16 * psi
    if stage == 1:
        return 4 * psi + 12 * psi
    if stage == 2:
        return 2 * psi + 14 * psi
    if stage == 3:
        return 16 * psi
    raise ValueError(stage)
