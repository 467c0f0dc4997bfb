# Wrong answer: every LSH candidate is taken as a duplicate, without checking its exact Jaccard
# targets: test_clusters
# %% cell: clusters
def duplicate_clusters(shingle_sets, candidates, threshold):
    parent = list(range(len(shingle_sets)))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for i, j in candidates:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    return [find(i) for i in range(len(shingle_sets))]
