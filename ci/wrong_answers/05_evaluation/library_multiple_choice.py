# Wrong answer: a one-line wrapper around the library's minirepro.evaluate.multiple_choice
# targets: test_choices
# %% cell: choices
from minirepro import evaluate as ev


def choice_scores(model, context, choices, gold):
    r = ev.multiple_choice(model, [(context, list(choices))])[0]
    return {"acc": int(r.pred == gold), "acc_norm": int(r.pred_norm == gold)}
