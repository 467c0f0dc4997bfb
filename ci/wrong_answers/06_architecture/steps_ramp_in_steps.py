# Wrong answer: the ramp in steps (as the course's engine ramps): linear over ramp_tokens / full_batch steps, so the
# ramp ends having seen about half of ramp_tokens
# targets: test_steps_for_tokens
# %% cell: steps_for_tokens
def steps_for_tokens(total_tokens, full_batch, ramp_tokens, n_ctx=2048, start=32_768):
    ramp_steps = ramp_tokens // full_batch
    seen = steps = 0
    while seen < total_tokens and steps < ramp_steps:
        seen += (start + (full_batch - start) * steps // ramp_steps) // n_ctx * n_ctx
        steps += 1
    return steps + -(-max(0, total_tokens - seen) // full_batch)
