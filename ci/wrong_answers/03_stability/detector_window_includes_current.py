# Wrong answer: the current loss is part of the mean it is compared with
# targets: test_detect_spikes
# %% cell: detect_spikes
def detect_spikes(losses, warmup, window=20, factor=1.5):
    spikes, accepted = [], []
    for i, loss in enumerate(losses):
        if i >= warmup and accepted:
            recent = (accepted + [loss])[-window:] if math.isfinite(loss) else accepted[-window:]
            if not math.isfinite(loss) or loss > factor * sum(recent) / len(recent):
                spikes.append(i)
                continue
        if math.isfinite(loss):
            accepted.append(loss)
    return spikes
