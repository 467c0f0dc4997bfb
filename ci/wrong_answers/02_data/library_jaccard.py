# Wrong answer: a one-line wrapper around the library's finished Jaccard similarity (switched off while grading)
# targets: test_jaccard
# %% cell: jaccard
def jaccard(a, b):
    return crawl.jaccard(set(a), set(b))
