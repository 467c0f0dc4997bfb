"""The published figures in minirepro.facts agree with each other as the papers say they should."""

import math

from minirepro import facts


def test_gpt3_compute_follows_from_6ND():
    flops = 6 * facts.GPT3_175B_PARAMS_EXACT * facts.GPT3_TOKENS
    assert math.isclose(flops, facts.GPT3_175B_TRAIN_FLOPS, rel_tol=0.005)
    assert math.isclose(flops / facts.PF_DAY_FLOPS, facts.GPT3_175B_PF_DAYS, rel_tol=0.005)
    assert facts.PF_DAY_FLOPS == 8.64e19


def test_table_2_1_heads_times_head_width_is_d_model_except_two_rows_as_printed():
    # Table 2.1 prints XL with 24 heads of 128 (3072, not 2048) and 13B with d_model 5140 (40 x 128 = 5120);
    # facts keeps the table as printed, and the course counts parameters from d_model.
    for s in facts.GPT3_SIZES:
        if s.name in ("XL", "13B"):
            assert s.n_heads * s.d_head != s.d_model
        else:
            assert s.n_heads * s.d_head == s.d_model, s.name
    assert [s.params for s in facts.GPT3_SIZES] == sorted(s.params for s in facts.GPT3_SIZES)


def test_llama3_cluster_mtbf_is_about_three_hours():
    mtbf_hours = facts.LLAMA3_DAYS * 24 / facts.LLAMA3_UNEXPECTED_INTERRUPTIONS
    assert 3.0 < mtbf_hours < 3.2  # FACTS.md: about 3.1 h


def test_models_have_sources_and_sane_values():
    names = [m.name for m in facts.MODELS]
    assert len(names) == len(set(names))
    for m in facts.MODELS:
        assert m.source and 1e9 < m.params < 1e12 and 1e11 < m.tokens < 1e13
    chinchilla = next(m for m in facts.MODELS if m.name == "Chinchilla")
    assert (chinchilla.params, chinchilla.tokens) == (facts.CHINCHILLA_PARAMS, facts.CHINCHILLA_TOKENS)


def test_gpu_table():
    assert not facts.GPUS["V100"].bf16 and not facts.GPUS["T4"].bf16  # OPT's and Colab's situation
    assert facts.GPUS["A100"].peak_flops == 312e12
    for g in facts.GPUS.values():
        assert g.source.startswith("NVIDIA")
