# Wrong answer: numpy's global generator, never seeded: the same arguments give another prompt each call
# targets: test_fewshot
# %% cell: fewshot
def few_shot_prompt(item, pool, k, seed=0):
    candidates = [ex for ex in pool if ex["question"] != item["question"]]
    if k > len(candidates):
        raise ValueError("not enough examples")
    order = np.random.permutation(len(candidates))[:k]
    shots = "".join(f"Q: {candidates[i]['question']}\nA: {candidates[i]['answer']}\n\n" for i in order)
    return shots + f"Q: {item['question']}\nA:"
