# Wrong answer: a one-line wrapper around the library's minirepro.evaluate.few_shot_prompt (its format set to the lab's)
# targets: test_fewshot
# %% cell: fewshot
from minirepro import evaluate as ev


def few_shot_prompt(item, pool, k, seed=0):
    return ev.few_shot_prompt(item, pool, k, seed=seed, target=" {answer}\n", separator="\n")
