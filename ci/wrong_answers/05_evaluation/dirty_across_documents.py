# Wrong answer: the training documents are joined into one text, so n-grams cross document boundaries
# targets: test_dirty
# %% cell: dirty
def dirty_items(items, documents, n=13):
    def grams(text):
        words = re.findall(r"[a-z0-9]+", text.lower())
        return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}

    seen = grams(" ".join(documents))
    return [bool(grams(item) & seen) for item in items]
