# Wrong answer: stops before the step that would pass the total (counts only steps that fit inside it)
# targets: test_steps_for_tokens
# %% cell: steps_for_tokens
def steps_for_tokens(total_tokens, full_batch, ramp_tokens, n_ctx=2048, start=32_768):
    seen = steps = 0
    while seen < ramp_tokens:
        b = batch_tokens_at(seen, full_batch, ramp_tokens, n_ctx, start)
        if seen + b > total_tokens:
            return steps
        seen += b
        steps += 1
    return steps + max(0, total_tokens - seen) // full_batch
