# Wrong answer: 13-grams, ignoring those found in more than 10 documents (as GPT-3 did): a quiz mirrored on many pages
# is ignored too
# targets: test_decontaminate
# %% cell: decontaminate
def decontaminate(items, documents):
    n = 13

    def grams(text):
        words = re.findall(r"[a-z0-9]+", text.lower())
        return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}

    item_grams = [grams(t) for t in items]
    count = {}
    for doc in documents:
        for g in grams(doc):
            count[g] = count.get(g, 0) + 1
    return [any(0 < count.get(g, 0) <= 10 for g in gs) for gs in item_grams]
