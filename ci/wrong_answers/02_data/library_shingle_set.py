# Wrong answer: a one-line wrapper around the library's finished shingles (switched off while grading)
# targets: test_shingles
# %% cell: shingles
def shingles(text, n=5):
    return crawl.shingle_set(text, n)
