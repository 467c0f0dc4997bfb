# Wrong answer: character 5-grams where word 5-grams are asked
# targets: test_shingles
# %% cell: shingles
def shingles(text, n=5):
    text = " ".join(text.lower().split())
    if len(text) < n:
        return {tuple(text)} if text else set()
    return {tuple(text[i : i + n]) for i in range(len(text) - n + 1)}
