# Wrong answer: compares each loss with the previous step only (a burst's later steps and a nan slip through)
# targets: test_detect_spikes
# %% cell: detect_spikes
def detect_spikes(losses, warmup, window=20, factor=1.5):
    return [i for i in range(max(warmup, 1), len(losses)) if losses[i] > factor * losses[i - 1]]
