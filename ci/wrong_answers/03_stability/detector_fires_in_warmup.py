# Wrong answer: a spike detector that ignores warmup (it fires on the early bump)
# targets: test_detect_spikes
# %% cell: detect_spikes
def detect_spikes(losses, warmup, window=20, factor=1.5):
    spikes, accepted = [], []
    for i, loss in enumerate(losses):
        if accepted:
            recent = accepted[-window:]
            if not math.isfinite(loss) or loss > factor * sum(recent) / len(recent):
                spikes.append(i)
                continue
        if math.isfinite(loss):
            accepted.append(loss)
    return spikes
