# Wrong answer: a band is every bands-th column (strided) instead of a block of consecutive columns
# targets: test_lsh
# %% cell: lsh
def lsh_candidates(signatures, bands, rows):
    n, k = signatures.shape
    if bands * rows != k:
        raise ValueError("bands x rows must equal the number of hashes")
    pairs = set()
    for band in range(bands):
        buckets = {}
        for doc in range(n):
            buckets.setdefault(signatures[doc, band::bands].tobytes(), []).append(doc)
        for ids in buckets.values():
            pairs.update((ids[x], ids[y]) for x in range(len(ids)) for y in range(x + 1, len(ids)))
    return pairs
