# Wrong answer: every finite loss enters the baseline, spikes included (the question forbids it)
# targets: test_detect_spikes
# %% cell: detect_spikes
def detect_spikes(losses, warmup, window=20, factor=1.5):
    spikes, seen = [], []
    for i, loss in enumerate(losses):
        if i >= warmup and seen:
            recent = seen[-window:]
            if not math.isfinite(loss) or loss > factor * sum(recent) / len(recent):
                spikes.append(i)
        if math.isfinite(loss):
            seen.append(loss)
    return spikes
