# Wrong answer: the band one token too wide: a token sees itself and the w tokens before it (i - w <= j)
# targets: test_banded_mask
# %% cell: banded_mask
def banded_mask(T, w):
    i = torch.arange(T).view(T, 1)
    j = torch.arange(T).view(1, T)
    return (j <= i) & (j >= i - w)
