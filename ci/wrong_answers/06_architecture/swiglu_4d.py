# Wrong answer: SwiGLU at GELU's width 4d (the 2/3 forgotten): 50% more MLP parameters
# targets: test_swiglu
# %% cell: swiglu
def swiglu_width(d_model):
    return 4 * d_model


def mlp_params(d_model, swiglu=False, bias=True):
    d = d_model
    if swiglu:
        h = swiglu_width(d)
        return 3 * d * h + (2 * h + d if bias else 0)
    return 8 * d * d + (4 * d + d if bias else 0)
