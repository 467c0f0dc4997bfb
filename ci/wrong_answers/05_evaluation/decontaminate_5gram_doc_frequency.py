# Wrong answer: 5-grams, ignoring those found in more than 10 documents: the stems go, but so do the heavily mirrored
# leaks
# targets: test_decontaminate
# %% cell: decontaminate
def decontaminate(items, documents):
    n = 5

    def grams(text):
        words = re.findall(r"[a-z0-9]+", text.lower())
        return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}

    count = {}
    for doc in documents:
        for g in grams(doc):
            count[g] = count.get(g, 0) + 1
    return [any(0 < count.get(g, 0) <= 10 for g in grams(t)) for t in items]
