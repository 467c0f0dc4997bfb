# Wrong answer: the library's SwiGLU width, wrapped
# targets: test_swiglu
# %% cell: swiglu
from minirepro.model import swiglu_hidden


def swiglu_width(d_model):
    return swiglu_hidden(d_model)


def mlp_params(d_model, swiglu=False, bias=True):
    d = d_model
    if swiglu:
        h = swiglu_width(d)
        return 3 * d * h + (2 * h + d if bias else 0)
    return 8 * d * d + (4 * d + d if bias else 0)
