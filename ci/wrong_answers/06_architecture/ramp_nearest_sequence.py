# Wrong answer: rounded to the nearest whole sequence, not down
# targets: test_batch_tokens_at
# %% cell: batch_tokens_at
def batch_tokens_at(tokens_seen, full_batch, ramp_tokens, n_ctx=2048, start=32_768):
    seen = min(tokens_seen, ramp_tokens)
    tokens = start + (full_batch - start) * seen / ramp_tokens
    return round(tokens / n_ctx) * n_ctx
