# Wrong answer: a one-line wrapper around the library's Huber loss (minirepro.scaling.huber)
# targets: test_huber
# %% cell: huber
from minirepro import scaling


def huber(r, delta=1e-3):
    return scaling.huber(r, delta)
