# Wrong answer: an item is dirty only when ALL its words appear in a row in a document (the whole item leaked), not when
# it shares an n-gram
# targets: test_dirty
# %% cell: dirty
def dirty_items(items, documents, n=13):
    def words(text):
        return re.findall(r"[a-z0-9]+", text.lower())

    docs = [" " + " ".join(words(d)) + " " for d in documents]
    out = []
    for item in items:
        w = words(item)
        out.append(len(w) >= n and any(" " + " ".join(w) + " " in d for d in docs))
    return out
