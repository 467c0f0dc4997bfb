# Wrong answer: all 466 interruptions, planned maintenance included, where the question asks for the unexpected ones
# targets: test_interruptions
# %% cell: failures
def failure_rate_per_gpu_hour():
    return facts.LLAMA3_TOTAL_INTERRUPTIONS / (facts.LLAMA3_DAYS * 24 * facts.LLAMA3_GPUS)


def expected_interruptions(n_gpus, days, rate):
    return n_gpus * days * 24 * rate
