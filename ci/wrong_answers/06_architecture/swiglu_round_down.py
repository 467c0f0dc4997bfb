# Wrong answer: 8d/3 rounded down to a multiple of 8, not to the nearest
# targets: test_swiglu
# %% cell: swiglu
def swiglu_width(d_model):
    return max(8, 8 * (8 * d_model // 24))


def mlp_params(d_model, swiglu=False, bias=True):
    d = d_model
    if swiglu:
        h = swiglu_width(d)
        return 3 * d * h + (2 * h + d if bias else 0)
    return 8 * d * d + (4 * d + d if bias else 0)
