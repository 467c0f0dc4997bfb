# Wrong answer: 12 bytes per parameter (the fp32 copies only; fp16 weights and gradients forgotten)
# targets: test_training_state
# %% cell: training_state_bytes
def training_state_bytes(n_params):
    return 12 * n_params
