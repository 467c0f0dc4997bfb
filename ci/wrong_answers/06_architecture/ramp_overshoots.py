# Wrong answer: the linear ramp not capped: the batch keeps growing past the full batch after ramp_tokens
# targets: test_batch_tokens_at
# %% cell: batch_tokens_at
def batch_tokens_at(tokens_seen, full_batch, ramp_tokens, n_ctx=2048, start=32_768):
    tokens = start + (full_batch - start) * tokens_seen // ramp_tokens
    return tokens // n_ctx * n_ctx
