# Wrong answer: (a x + b) mod (2^61 - 1) with a, b < 2^32 -- nearly monotone in x, so the "permutations" agree with each
# other
# targets: test_minhash
# %% cell: minhash
def minhash_signatures(shingle_sets, num_perm=128, seed=0):
    p = np.uint64((1 << 61) - 1)
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 1 << 32, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64)
    out = np.full((len(shingle_sets), num_perm), EMPTY, dtype=np.uint64)
    for d, s in enumerate(shingle_sets):
        if s:
            h = np.fromiter((hash32(x) for x in s), dtype=np.uint64)
            out[d] = (((h[:, None] * a + b) % p) >> np.uint64(29)).min(axis=0)
    return out
