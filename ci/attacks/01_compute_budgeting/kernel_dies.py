# Attack: an answer that kills the kernel (os._exit); the submission must be flagged and kept, never a silent 0
# wrong: test_param_count
# expect: flagged
# %% cell: param_count
import os


def param_count(n_layer, d_model, n_vocab=50257, n_ctx=2048):
    os._exit(1)
