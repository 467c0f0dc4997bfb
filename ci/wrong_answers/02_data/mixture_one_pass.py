# Wrong answer: caps the sources over their cap once and shares the rest out, without checking that the share pushed
# another source over its own cap
# targets: test_mixture
# %% cell: mixture
def epochs_elapsed(weights, tokens, budget):
    return {name: weights[name] * budget / tokens[name] for name in weights}


def capped_weights(preferred, tokens, budget, max_epochs):
    cap = {name: max_epochs * tokens[name] / budget for name in preferred}
    if sum(cap.values()) < 1.0:
        raise ValueError("the cap cannot be met")
    over = {name for name in preferred if preferred[name] > cap[name]}
    room = 1.0 - sum(cap[name] for name in over)
    total = sum(preferred[name] for name in preferred if name not in over)
    return {name: cap[name] if name in over else room * preferred[name] / total for name in preferred}
