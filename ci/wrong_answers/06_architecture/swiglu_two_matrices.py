# Wrong answer: SwiGLU's parameters counted as two matrices, like GELU's (the gate forgotten)
# targets: test_swiglu
# %% cell: swiglu
def swiglu_width(d_model):
    return max(8, 8 * round(8 * d_model / 24))


def mlp_params(d_model, swiglu=False, bias=True):
    d = d_model
    h = swiglu_width(d) if swiglu else 4 * d
    return 2 * d * h + (h + d if bias else 0)
