# Wrong answer: the band is symmetric, |i - j| < w: a token sees the w - 1 tokens after it too
# targets: test_banded_mask
# %% cell: banded_mask
def banded_mask(T, w):
    i = torch.arange(T).view(T, 1)
    j = torch.arange(T).view(1, T)
    return (i - j).abs() < w
