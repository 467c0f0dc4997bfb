# Wrong answer: the values rotated too
# targets: test_rope_qkv
# %% cell: rope_qkv
def rope_qkv(q, k, v):
    return rope(q), rope(k), rope(v)
