# Wrong answer: acc_norm normalised by the continuation's token count (bytes) instead of the choice's characters
# targets: test_choices
# %% cell: choices
def choice_scores(model, context, choices, gold):
    lls = np.array(loglikelihoods(model, [(context, " " + c) for c in choices]))
    n_tokens = np.array([len(encode(" " + c)) for c in choices], dtype=float)
    return {"acc": int(np.argmax(lls) == gold), "acc_norm": int(np.argmax(lls / n_tokens) == gold)}
