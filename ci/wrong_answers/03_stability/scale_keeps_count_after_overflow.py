# Wrong answer: an overflow halves the scale but does not restart the count of good steps
# targets: test_next_scale
# %% cell: next_scale
def next_scale(scale, good_steps, found_inf, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    if found_inf:
        return scale * backoff_factor, good_steps, False
    good_steps += 1
    if good_steps == growth_interval:
        return scale * growth_factor, 0, True
    return scale, good_steps, True
