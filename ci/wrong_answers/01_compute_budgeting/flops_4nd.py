# Wrong answer: 4ND, the backward pass counted as one product per weight instead of two
# targets: test_train_flops
# %% cell: train_flops
def train_flops(n_params, n_tokens):
    return 4 * n_params * n_tokens
