# Wrong answer: the library's rotary embedding, wrapped
# targets: test_rope
# %% cell: rope
from minirepro.model import apply_rope


def rope(x, base=10000.0):
    return apply_rope(x[None, None], base)[0, 0]
