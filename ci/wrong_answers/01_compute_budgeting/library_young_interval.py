# Wrong answer: budget.young_interval: the library's finished version, wrapped in one line (switched off while grading)
# targets: test_checkpointing
# %% cell: checkpointing
from minirepro import budget


def young_interval(ckpt_cost, mtbf):
    return budget.young_interval(ckpt_cost, mtbf)


def daly_interval(ckpt_cost, mtbf):
    return math.sqrt(2 * ckpt_cost * mtbf) - ckpt_cost


def goodput(interval, ckpt_cost, mtbf, restart_cost):
    return 1 - ckpt_cost / interval - (interval / 2 + restart_cost) / mtbf
