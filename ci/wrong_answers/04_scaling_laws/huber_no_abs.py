# Wrong answer: Huber without the absolute value: every negative residual counts as "small" (quadratic)
# targets: test_huber
# %% cell: huber
def huber(r, delta=1e-3):
    r = np.asarray(r, dtype=float)
    return np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))
