# Wrong answer: the cast done right, but on the unscaled gradient (the loss scale forgotten)
# targets: test_fp16_zeroed
# %% cell: fp16_zeroed
def fp16_zeroed(grad, scale=1.0):
    nonzero = grad != 0
    n = int(nonzero.sum())
    if n == 0:
        return 0.0
    return int(((grad.half() == 0) & nonzero).sum()) / n
