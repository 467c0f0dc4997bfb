# Wrong answer: no decontamination: every item is called clean (the headline score is reported as the clean one)
# targets: test_decontaminate
# %% cell: decontaminate
def decontaminate(items, documents):
    return [False] * len(items)
