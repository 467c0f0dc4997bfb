# Wrong answer: only the item itself is excluded (!=), so another example asking the same question gives its answer away
# targets: test_fewshot
# %% cell: fewshot
def few_shot_prompt(item, pool, k, seed=0):
    candidates = [ex for ex in pool if ex != item]
    if k > len(candidates):
        raise ValueError("not enough examples")
    order = np.random.default_rng(seed).permutation(len(candidates))[:k]
    shots = "".join(f"Q: {candidates[i]['question']}\nA: {candidates[i]['answer']}\n\n" for i in order)
    return shots + f"Q: {item['question']}\nA:"
