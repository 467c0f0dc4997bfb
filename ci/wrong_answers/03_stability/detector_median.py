# Wrong answer: the median of the window instead of its mean (robust, but not the rule asked for)
# targets: test_detect_spikes
# %% cell: detect_spikes
def detect_spikes(losses, warmup, window=20, factor=1.5):
    import statistics

    spikes, accepted = [], []
    for i, loss in enumerate(losses):
        if i >= warmup and accepted:
            if not math.isfinite(loss) or loss > factor * statistics.median(accepted[-window:]):
                spikes.append(i)
                continue
        if math.isfinite(loss):
            accepted.append(loss)
    return spikes
