# Wrong answer: the frequency indexed by channel pair without the factor 2 (base^(-i/d)); still relative, but not
# RoPE's angles
# targets: test_rope
# %% cell: rope
def rope(x, base=10000.0):
    T, d = x.shape
    freq = base ** (-torch.arange(0, d // 2, dtype=torch.float64) / d)
    angle = torch.arange(T, dtype=torch.float64).view(T, 1) * freq
    cos, sin = angle.cos().to(x.dtype), angle.sin().to(x.dtype)
    a, b = x[:, 0::2], x[:, 1::2]
    out = torch.empty_like(x)
    out[:, 0::2] = a * cos - b * sin
    out[:, 1::2] = a * sin + b * cos
    return out
