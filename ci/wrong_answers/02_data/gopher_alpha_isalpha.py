# Wrong answer: the alphabetic-word rule asks for words made only of letters (str.isalpha), so "river." and "1742,"
# count as non-words
# targets: test_gopher
# %% cell: gopher
def gopher_failures(text):
    words = text.split()
    lines = [line for line in text.split("\n") if line.strip()]
    n = len(words)
    failed = []
    if not 50 <= n <= 100_000:
        failed.append("word_count")
    if n == 0 or not 3 <= sum(len(w) for w in words) / n <= 10:
        failed.append("mean_word_length")
    if n and (text.count("#") + text.count("...") + text.count("…")) / n > 0.1:
        failed.append("symbol_ratio")
    if lines and sum(line.lstrip().startswith(("•", "-", "*")) for line in lines) / len(lines) > 0.9:
        failed.append("bullet_lines")
    if lines and sum(line.rstrip().endswith(("...", "…")) for line in lines) / len(lines) > 0.3:
        failed.append("ellipsis_lines")
    if n == 0 or sum(w.isalpha() for w in words) / n < 0.8:
        failed.append("alpha_words")
    if len({w.lower().strip(string.punctuation) for w in words} & STOP_WORDS) < 2:
        failed.append("stop_words")
    return failed
