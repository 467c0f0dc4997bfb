# Wrong answer: the mask as 0/1 floats (an additive-mask habit), not booleans
# targets: test_banded_mask
# %% cell: banded_mask
def banded_mask(T, w):
    return torch.ones(T, T).tril().triu(1 - w)
