# Wrong answer: the library's minirepro.evaluate.acc and acc_norm on a result built from the student's own
# log-likelihoods
# targets: test_choices
# %% cell: choices
from minirepro import evaluate as ev


def choice_scores(model, context, choices, gold):
    lls = loglikelihoods(model, [(context, " " + c) for c in choices])
    lengths = [float(len(c)) for c in choices]
    r = ev.MCResult(tuple(lls), tuple(lengths), int(np.argmax(lls)), int(np.argmax(np.array(lls) / lengths)))
    return {"acc": int(ev.acc(r, gold)), "acc_norm": int(ev.acc_norm(r, gold))}
