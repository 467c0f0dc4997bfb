# Wrong answer: epochs as the source's tokens over the tokens taken from it (the ratio upside down)
# targets: test_mixture
# %% cell: mixture
def epochs_elapsed(weights, tokens, budget):
    return {name: tokens[name] / (weights[name] * budget) for name in weights}


def capped_weights(preferred, tokens, budget, max_epochs):
    cap = {name: max_epochs * tokens[name] / budget for name in preferred}
    if sum(cap.values()) < 1.0 - 1e-12:
        raise ValueError("the cap cannot be met")
    at_cap = {}
    while True:
        free = [name for name in preferred if name not in at_cap]
        room, total = 1.0 - sum(at_cap.values()), sum(preferred[name] for name in free)
        scaled = {name: room * preferred[name] / total for name in free}
        over = [name for name in free if scaled[name] > cap[name]]
        if not over:
            return {name: at_cap.get(name, scaled.get(name)) for name in preferred}
        at_cap.update({name: cap[name] for name in over})
