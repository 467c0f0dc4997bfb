# Wrong answer: the mean of every earlier non-spike loss, not of the last `window`
# targets: test_detect_spikes
# %% cell: detect_spikes
def detect_spikes(losses, warmup, window=20, factor=1.5):
    spikes, accepted = [], []
    for i, loss in enumerate(losses):
        if i >= warmup and accepted:
            if not math.isfinite(loss) or loss > factor * sum(accepted) / len(accepted):
                spikes.append(i)
                continue
        if math.isfinite(loss):
            accepted.append(loss)
    return spikes
