# Wrong answer: the rotation written into x itself (the caller's tensor changes; the second half of each pair is
# then rotated from the already rotated first half)
# targets: test_rope
# %% cell: rope
def rope(x, base=10000.0):
    T, d = x.shape
    freq = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = torch.arange(T, dtype=torch.float64).view(T, 1) * freq
    cos, sin = angle.cos().to(x.dtype), angle.sin().to(x.dtype)
    x[:, 0::2] = x[:, 0::2] * cos - x[:, 1::2] * sin
    x[:, 1::2] = x[:, 0::2] * sin + x[:, 1::2] * cos
    return x
