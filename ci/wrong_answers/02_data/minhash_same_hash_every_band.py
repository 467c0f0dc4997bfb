# Wrong answer: the same hash function for every entry of the signature (so every band is the same band)
# targets: test_minhash
# %% cell: minhash
def minhash_signatures(shingle_sets, num_perm=128, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 1 << 63, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 1 << 63, dtype=np.uint64)
    out = np.full((len(shingle_sets), num_perm), EMPTY, dtype=np.uint64)
    for d, s in enumerate(shingle_sets):
        if s:
            h = np.fromiter((hash32(x) for x in s), dtype=np.uint64)
            out[d, :] = ((h * a + b) >> np.uint64(32)).min()
    return out
