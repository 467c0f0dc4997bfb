# Wrong answer: budget.expected_interruptions: the library's finished version, wrapped in one line (switched off while
# grading)
# targets: test_interruptions
# %% cell: failures
from minirepro import budget


def failure_rate_per_gpu_hour():
    return facts.LLAMA3_UNEXPECTED_INTERRUPTIONS / (facts.LLAMA3_DAYS * 24 * facts.LLAMA3_GPUS)


def expected_interruptions(n_gpus, days, rate):
    return budget.expected_interruptions(n_gpus, days, rate)
