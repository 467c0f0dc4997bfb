# Wrong answer: budget.interruption_rate on Llama 3's figures: the library's finished version, wrapped in one line
# (switched off while grading)
# targets: test_interruptions
# %% cell: failures
from minirepro import budget


def failure_rate_per_gpu_hour():
    return budget.interruption_rate(facts.LLAMA3_UNEXPECTED_INTERRUPTIONS, facts.LLAMA3_GPUS, facts.LLAMA3_DAYS)


def expected_interruptions(n_gpus, days, rate):
    return n_gpus * days * 24 * rate
