# Wrong answer: rounds the number of GPUs down (34.9 -> 34 GPUs, which cannot hold the state)
# targets: test_min_gpus
# %% cell: min_gpus
def min_gpus(n_params, gpu_bytes=80e9, stage=3):
    return max(1, int(16 * n_params / gpu_bytes))
