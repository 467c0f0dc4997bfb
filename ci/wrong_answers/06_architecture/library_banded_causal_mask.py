# Wrong answer: the library's banded mask, wrapped
# targets: test_banded_mask
# %% cell: banded_mask
from minirepro.model import banded_causal_mask


def banded_mask(T, w):
    return banded_causal_mask(T, w)
