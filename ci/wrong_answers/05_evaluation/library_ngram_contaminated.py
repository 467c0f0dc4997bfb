# Wrong answer: wrappers around the library's minirepro.evaluate.ngram_contaminated (GPT-3's test, and a 3-gram rule
# that ignores n-grams frequent in the documents for the decision)
# targets: test_dirty, test_decontaminate
# %% cell: dirty
from minirepro import evaluate as ev


def dirty_items(items, documents, n=13):
    return ev.ngram_contaminated(items, documents, n=n)


# %% cell: decontaminate
def decontaminate(items, documents):
    return ev.ngram_contaminated(items, documents, n=3, max_docs=10)
