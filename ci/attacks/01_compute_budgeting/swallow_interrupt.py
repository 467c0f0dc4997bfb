# Attack: an infinite loop that catches KeyboardInterrupt, so the timeout's interrupt cannot stop it
# wrong: test_pf_days
# expect: flagged
# %% cell: pf_days
import time as _time


def pf_days(flops):
    while True:
        try:
            _time.sleep(0.01)
        except BaseException:
            pass
