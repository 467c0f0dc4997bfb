# Wrong answer: Huber without the factor 1/2 in the quadratic part (not continuous at delta)
# targets: test_huber
# %% cell: huber
def huber(r, delta=1e-3):
    r = np.abs(np.asarray(r, dtype=float))
    return np.where(r <= delta, r**2, delta * (r - 0.5 * delta))
