# Wrong answer: Jaccard counted on the lists, so a repeated shingle counts twice
# targets: test_jaccard
# %% cell: jaccard
def jaccard(a, b):
    a, b = list(a), list(b)
    if not a and not b:
        return 1.0
    inter = sum(1 for x in a if x in b)
    return inter / (len(a) + len(b) - inter)
