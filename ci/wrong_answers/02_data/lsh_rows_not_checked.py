# Wrong answer: bands x rows is not checked against the number of hashes; the rows per band are recomputed as num_perm
# // bands
# targets: test_lsh
# %% cell: lsh
def lsh_candidates(signatures, bands, rows):
    n, k = signatures.shape
    rows = k // bands
    pairs = set()
    for band in range(bands):
        buckets = {}
        for doc in range(n):
            buckets.setdefault(signatures[doc, band * rows : (band + 1) * rows].tobytes(), []).append(doc)
        for ids in buckets.values():
            pairs.update((ids[x], ids[y]) for x in range(len(ids)) for y in range(x + 1, len(ids)))
    return pairs
