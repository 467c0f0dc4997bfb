# Wrong answer: the first k examples of the pool, always the same (no random draw: the seed is ignored)
# targets: test_fewshot
# %% cell: fewshot
def few_shot_prompt(item, pool, k, seed=0):
    candidates = [ex for ex in pool if ex["question"] != item["question"]]
    if k > len(candidates):
        raise ValueError("not enough examples")
    shots = "".join(f"Q: {ex['question']}\nA: {ex['answer']}\n\n" for ex in candidates[:k])
    return shots + f"Q: {item['question']}\nA:"
