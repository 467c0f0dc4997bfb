# Wrong answer: stage 1 partitions only Adam's momentum and variance, keeping the fp32 master weights on every GPU
# targets: test_zero
# %% cell: zero_bytes_per_gpu
def zero_bytes_per_gpu(n_params, n_gpus, stage):
    psi, g = n_params, n_gpus
    if stage == 0:
        return 16 * psi
    if stage == 1:
        return 8 * psi + 8 * psi / g
    if stage == 2:
        return 6 * psi + 10 * psi / g
    if stage == 3:
        return 16 * psi / g
    raise ValueError(f"ZeRO stage must be 0, 1, 2 or 3; got {stage!r}")
