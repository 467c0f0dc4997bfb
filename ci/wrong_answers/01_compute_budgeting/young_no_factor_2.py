# Wrong answer: the derivative solved without its factor 2: sqrt(delta M) instead of sqrt(2 delta M)
# targets: test_checkpointing
# %% cell: checkpointing
def young_interval(ckpt_cost, mtbf):
    return math.sqrt(ckpt_cost * mtbf)


def daly_interval(ckpt_cost, mtbf):
    return math.sqrt(ckpt_cost * mtbf) - ckpt_cost


def goodput(interval, ckpt_cost, mtbf, restart_cost):
    return 1 - ckpt_cost / interval - (interval / 2 + restart_cost) / mtbf
