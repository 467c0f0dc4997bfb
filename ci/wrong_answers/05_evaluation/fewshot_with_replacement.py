# Wrong answer: examples drawn WITH replacement, so one example can appear twice
# targets: test_fewshot
# %% cell: fewshot
def few_shot_prompt(item, pool, k, seed=0):
    candidates = [ex for ex in pool if ex["question"] != item["question"]]
    if k > len(candidates):
        raise ValueError("not enough examples")
    picks = np.random.default_rng(seed).integers(len(candidates), size=k)
    shots = "".join(f"Q: {candidates[i]['question']}\nA: {candidates[i]['answer']}\n\n" for i in picks)
    return shots + f"Q: {item['question']}\nA:"
