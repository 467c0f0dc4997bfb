# Wrong answer: the fraction of all entries that are 0 in fp16 (entries that were already 0 counted as lost)
# targets: test_fp16_zeroed
# %% cell: fp16_zeroed
def fp16_zeroed(grad, scale=1.0):
    if grad.numel() == 0 or not bool((grad != 0).any()):
        return 0.0
    return float(((grad * scale).half() == 0).float().mean())
