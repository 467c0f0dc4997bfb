# Wrong answer: GPT-3's rule as it stands (any shared 13-gram): misses short items and paraphrases, flags items by their
# quoted stems
# targets: test_decontaminate
# %% cell: decontaminate
def decontaminate(items, documents):
    return dirty_items(items, documents, n=13)
