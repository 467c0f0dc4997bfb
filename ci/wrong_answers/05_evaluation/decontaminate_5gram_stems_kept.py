# Wrong answer: 5-grams with nothing ignored: the question stems that quiz pages quote flag three quarters of the clean
# items
# targets: test_decontaminate
# %% cell: decontaminate
def decontaminate(items, documents):
    return dirty_items(items, documents, n=5)
