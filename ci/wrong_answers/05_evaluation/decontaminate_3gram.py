# Wrong answer: 3-grams with the shared stems ignored: so short that a prose sentence stating an item's fact flags it
# (too aggressive)
# targets: test_decontaminate
# %% cell: decontaminate
def decontaminate(items, documents):
    n = 3

    def grams(text):
        words = re.findall(r"[a-z0-9]+", text.lower())
        return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}

    item_grams = [grams(t) for t in items]
    in_items = {}
    for gs in item_grams:
        for g in gs:
            in_items[g] = in_items.get(g, 0) + 1
    seen = set()
    for doc in documents:
        seen |= grams(doc)
    return [any(in_items[g] == 1 and g in seen for g in gs) for gs in item_grams]
