# Wrong answer: absolute sinusoidal positions added to q and k (Vaswani et al.), not a rotation: the score then
# depends on where the pair sits, not only on the offset
# targets: test_rope
# %% cell: rope
def rope(x, base=10000.0):
    T, d = x.shape
    freq = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = torch.arange(T, dtype=torch.float64).view(T, 1) * freq
    pe = torch.empty(T, d, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = angle.sin(), angle.cos() - 1  # zero at position 0
    return x + pe.to(x.dtype)
