# Wrong answer: the width read off the library's model configuration (GPTConfig.hidden_width)
# targets: test_swiglu
# %% cell: swiglu
from minirepro.model import GPTConfig


def swiglu_width(d_model):
    return GPTConfig(d_model=d_model, n_head=1, swiglu=True).hidden_width()


def mlp_params(d_model, swiglu=False, bias=True):
    d = d_model
    if swiglu:
        h = swiglu_width(d)
        return 3 * d * h + (2 * h + d if bias else 0)
    return 8 * d * d + (4 * d + d if bias else 0)
