# Wrong answer: PF-days off by 1e3 (a teraflop/s-day, 1e12 FLOP/s, used for a petaflop/s-day)
# targets: test_pf_days
# %% cell: pf_days
def pf_days(flops):
    return flops / (1e12 * 24 * 3600)
