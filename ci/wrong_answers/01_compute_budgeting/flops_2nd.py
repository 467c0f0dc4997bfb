# Wrong answer: 2ND, the forward pass only
# targets: test_train_flops
# %% cell: train_flops
def train_flops(n_params, n_tokens):
    return 2 * n_params * n_tokens
