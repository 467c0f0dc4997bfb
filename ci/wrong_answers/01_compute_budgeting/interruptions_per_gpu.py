# Wrong answer: the failure rate spread over the days only, not over GPU-hours (the GPU count forgotten)
# targets: test_interruptions
# %% cell: failures
def failure_rate_per_gpu_hour():
    return facts.LLAMA3_UNEXPECTED_INTERRUPTIONS / (facts.LLAMA3_DAYS * 24)


def expected_interruptions(n_gpus, days, rate):
    return days * 24 * rate
