# Wrong answer: the ramp ignored: every step at the full batch
# targets: test_steps_for_tokens
# %% cell: steps_for_tokens
def steps_for_tokens(total_tokens, full_batch, ramp_tokens, n_ctx=2048, start=32_768):
    return -(-total_tokens // full_batch)
