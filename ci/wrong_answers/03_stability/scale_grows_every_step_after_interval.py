# Wrong answer: after growth_interval good steps the scale grows at every further good step (count not restarted)
# targets: test_next_scale
# %% cell: next_scale
def next_scale(scale, good_steps, found_inf, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    if found_inf:
        return scale * backoff_factor, 0, False
    good_steps += 1
    if good_steps >= growth_interval:
        return scale * growth_factor, good_steps, True
    return scale, good_steps, True
