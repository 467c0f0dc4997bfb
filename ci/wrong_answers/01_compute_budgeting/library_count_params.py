# Wrong answer: scaling.count_params on a GPTConfig: the library's finished version, wrapped in one line (switched off
# while grading)
# targets: test_param_count
# %% cell: param_count
from minirepro.model import GPTConfig
from minirepro.scaling import count_params


def param_count(n_layer, d_model, n_vocab=50257, n_ctx=2048):
    return count_params(GPTConfig(n_layer=n_layer, n_head=1, d_model=d_model, n_ctx=n_ctx, vocab_size=n_vocab))[1]
