# Wrong answer: builds the course's GPT on the meta device and lets it count (minirepro.model.GPT): the library's
# finished version, wrapped in one line (switched off while grading)
# targets: test_param_count
# %% cell: param_count
import torch

from minirepro.model import GPT, GPTConfig


def param_count(n_layer, d_model, n_vocab=50257, n_ctx=2048):
    with torch.device(type="meta"):
        return GPT(GPTConfig(n_layer=n_layer, n_head=1, d_model=d_model, n_ctx=n_ctx, vocab_size=n_vocab)).num_params()
