# Wrong answer: the pipeline uses a single band of 4 rows (the other 124 hashes wasted), so most near-duplicates are
# missed
# targets: test_dedup
# %% cell: dedup
def dedup(texts, n=5, num_perm=128, bands=32, rows=4, threshold=0.5, seed=0):
    sets = [shingles(t, n) for t in texts]
    sig = minhash_signatures(sets, num_perm, seed)
    candidates = lsh_candidates(np.ascontiguousarray(sig[:, :rows]), 1, rows)
    return duplicate_clusters(sets, candidates, threshold)
