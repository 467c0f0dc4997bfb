# Wrong answer: the library's attention FLOPs (PaLM's convention, per token), dense minus banded, times T tokens
# targets: test_score_flops_saved
# %% cell: score_flops_saved
from types import SimpleNamespace

from minirepro.measure import attention_flops_per_token


def score_flops_saved(T, w, d_model, n_layer):
    def cfg(band):
        return SimpleNamespace(
            n_layer=n_layer, d_model=d_model, n_ctx=T, attn_band=band, is_banded=lambda layer: band and layer % 2 == 1
        )

    return int(T * (attention_flops_per_token(cfg(None)) - attention_flops_per_token(cfg(w))))
