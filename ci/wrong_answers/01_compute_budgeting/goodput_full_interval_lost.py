# Wrong answer: each failure loses a whole interval of work instead of half of one on average
# targets: test_checkpointing
# %% cell: checkpointing
def young_interval(ckpt_cost, mtbf):
    return math.sqrt(2 * ckpt_cost * mtbf)


def daly_interval(ckpt_cost, mtbf):
    return math.sqrt(2 * ckpt_cost * mtbf) - ckpt_cost


def goodput(interval, ckpt_cost, mtbf, restart_cost):
    return 1 - ckpt_cost / interval - (interval + restart_cost) / mtbf
