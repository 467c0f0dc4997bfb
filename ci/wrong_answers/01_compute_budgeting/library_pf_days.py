# Wrong answer: budget.pf_days: the library's finished version, wrapped in one line (switched off while grading)
# targets: test_pf_days
# %% cell: pf_days
from minirepro import budget


def pf_days(flops):
    return budget.pf_days(flops)
