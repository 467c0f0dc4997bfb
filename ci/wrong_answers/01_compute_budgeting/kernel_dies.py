# Wrong answer: an answer that kills the kernel (os._exit); the submission must be reported, not lost
# targets: test_param_count
# expect: manual
# %% cell: param_count
import os


def param_count(n_layer, d_model, n_vocab=50257, n_ctx=2048):
    os._exit(1)
