# Attack: an infinite loop in an answer (the grader must interrupt it at the cell timeout, not hang)
# wrong: test_pf_days
# expect: flagged
# %% cell: pf_days
def pf_days(flops):
    days = 0
    while flops > 0:
        days += 1
    return days
