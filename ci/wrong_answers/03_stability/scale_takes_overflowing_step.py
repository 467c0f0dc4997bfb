# Wrong answer: the scale backs off, but the overflowing step is still taken (inf in the weights)
# targets: test_next_scale
# %% cell: next_scale
def next_scale(scale, good_steps, found_inf, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    if found_inf:
        return scale * backoff_factor, 0, True
    good_steps += 1
    if good_steps == growth_interval:
        return scale * growth_factor, 0, True
    return scale, good_steps, True
