# Wrong answer: each document takes the smallest index among its direct duplicates (no union-find, not transitive)
# targets: test_clusters
# %% cell: clusters
def duplicate_clusters(shingle_sets, candidates, threshold):
    labels = list(range(len(shingle_sets)))
    for i, j in candidates:
        if jaccard(shingle_sets[i], shingle_sets[j]) >= threshold:
            labels[i] = min(labels[i], j, i)
            labels[j] = min(labels[j], i, j)
    return labels
