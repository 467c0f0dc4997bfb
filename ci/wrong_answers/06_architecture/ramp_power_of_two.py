# Wrong answer: the batch rounded down to a power of two sequences: GPT-3's full batch of 1536 sequences is never
# reached
# targets: test_batch_tokens_at
# %% cell: batch_tokens_at
def batch_tokens_at(tokens_seen, full_batch, ramp_tokens, n_ctx=2048, start=32_768):
    seen = min(tokens_seen, ramp_tokens)
    sequences = (start + (full_batch - start) * seen // ramp_tokens) // n_ctx
    return 2 ** (sequences.bit_length() - 1) * n_ctx
