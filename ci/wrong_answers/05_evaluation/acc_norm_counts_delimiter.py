# Wrong answer: acc_norm divides by the characters of the whole continuation, the leading space included
# targets: test_choices
# %% cell: choices
def choice_scores(model, context, choices, gold):
    lls = np.array(loglikelihoods(model, [(context, " " + c) for c in choices]))
    n_chars = np.array([len(" " + c) for c in choices], dtype=float)
    return {"acc": int(np.argmax(lls) == gold), "acc_norm": int(np.argmax(lls / n_chars) == gold)}
