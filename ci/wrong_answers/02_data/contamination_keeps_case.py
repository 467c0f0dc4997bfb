# Wrong answer: words are not lower-cased, so "The" and "the" differ and capitalised copies are missed
# targets: test_contamination
# %% cell: contamination
def contaminated_items(items, documents, n=13):
    def grams(text):
        words = re.findall(r"[A-Za-z0-9]+", text)
        return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}

    seen = set()
    for doc in documents:
        seen |= grams(doc)
    return [k for k, item in enumerate(items) if grams(item) & seen]
