# Wrong answer: acc by hand, acc_norm from the library's minirepro.evaluate.acc_norm
# targets: test_choices
# %% cell: choices
from minirepro import evaluate as ev


def choice_scores(model, context, choices, gold):
    lls = loglikelihoods(model, [(context, " " + c) for c in choices])
    lengths = [float(len(c)) for c in choices]
    r = ev.MCResult(tuple(lls), tuple(lengths), int(np.argmax(lls)), int(np.argmax(np.array(lls) / lengths)))
    return {"acc": int(np.argmax(lls) == gold), "acc_norm": int(ev.acc_norm(r, gold))}
