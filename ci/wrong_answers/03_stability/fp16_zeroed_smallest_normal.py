# Wrong answer: transcribed from the table: "below fp16's smallest normal number, 6.1e-5, a value is lost"
# targets: test_fp16_zeroed
# %% cell: fp16_zeroed
def fp16_zeroed(grad, scale=1.0):
    nonzero = grad != 0
    n = int(nonzero.sum())
    if n == 0:
        return 0.0
    lost = ((grad * scale).abs() < torch.finfo(torch.float16).tiny) & nonzero
    return int(lost.sum()) / n
