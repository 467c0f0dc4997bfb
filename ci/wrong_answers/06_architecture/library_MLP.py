# Wrong answer: the parameters counted on the library's MLP module
# targets: test_swiglu
# %% cell: swiglu
from types import SimpleNamespace

from minirepro.model import MLP


def swiglu_width(d_model):
    return max(8, 8 * round(8 * d_model / 24))


def mlp_params(d_model, swiglu=False, bias=True):
    width = swiglu_width(d_model) if swiglu else 4 * d_model
    cfg = SimpleNamespace(d_model=d_model, swiglu=swiglu, bias=bias, hidden_width=lambda: width)
    return sum(p.numel() for p in MLP(cfg).parameters())
