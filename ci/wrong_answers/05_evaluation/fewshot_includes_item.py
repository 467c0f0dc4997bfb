# Wrong answer: few-shot examples drawn from the whole pool, so the test item itself (with its answer) can be an example
# targets: test_fewshot
# %% cell: fewshot
def few_shot_prompt(item, pool, k, seed=0):
    if k > len(pool):
        raise ValueError("not enough examples")
    order = np.random.default_rng(seed).permutation(len(pool))[:k]
    shots = "".join(f"Q: {pool[i]['question']}\nA: {pool[i]['answer']}\n\n" for i in order)
    return shots + f"Q: {item['question']}\nA:"
