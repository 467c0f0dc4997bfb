"""The architecture switches of module 06 (GPT-3's banded layers, SwiGLU, RoPE, parallel blocks, MQA/GQA, μP).

Each is off by default; these tests check what each one computes, that they compose, and μP's rules.
"""

import math

import pytest
import torch
from conftest import learnable_tokens

from minirepro import mup
from minirepro.model import (
    GPT,
    CausalSelfAttention,
    GPTConfig,
    apply_rope,
    banded_causal_mask,
    swiglu_hidden,
)
from minirepro.train import TrainConfig, lr_at, train

SMALL = dict(n_layer=2, n_head=4, d_model=32, n_ctx=16, vocab_size=64)
SWITCHES = dict(attn_band=4, swiglu=True, rope=True, parallel_block=True, n_kv_head=2, mup_base_width=16)


def _ids(cfg, batch=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(cfg.vocab_size, (batch, cfg.n_ctx + 1), generator=g)


def _build(cfg, seed=0):
    torch.manual_seed(seed)
    return GPT(cfg)


# --- defaults --------------------------------------------------------------------------------------------


def test_switches_off_are_the_default_model_and_draw_the_same_random_numbers():
    off = dict(attn_band=None, swiglu=False, rope=False, parallel_block=False, n_kv_head=None, mup_base_width=None)
    torch.manual_seed(0)
    a = GPT(GPTConfig(**SMALL))
    after_a = torch.get_rng_state()
    torch.manual_seed(0)
    b = GPT(GPTConfig(**SMALL, **off))
    assert torch.equal(after_a, torch.get_rng_state())
    assert [(n, p.shape) for n, p in a.named_parameters()] == [(n, p.shape) for n, p in b.named_parameters()]
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not list(a.buffers())  # no new state in a default model's checkpoint


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(attn_band=0), "GPTConfig.attn_band must be a positive int"),
        (dict(n_kv_head=True), "GPTConfig.n_kv_head must be a positive int"),
        (dict(n_kv_head=3), "must divide n_head"),
        (dict(mup_base_width=-16), "GPTConfig.mup_base_width must be a positive int"),
        (dict(mup_base_width=18), "divisible by n_head"),
        (dict(d_model=36, n_head=4, rope=True), "even"),
        (dict(n_layer=True), "GPTConfig.n_layer must be a positive int"),
    ],
)
def test_bad_switches_are_clear_errors(kw, match):
    with pytest.raises(ValueError, match=match):
        GPTConfig(**{**SMALL, **kw})


# --- GPT-3's banded layers -------------------------------------------------------------------------------


def test_banded_mask_lets_a_token_see_itself_and_the_band_minus_one_before_it():
    mask = banded_causal_mask(6, 3)
    for i in range(6):
        assert [j for j in range(6) if mask[i, j]] == list(range(max(0, i - 2), i + 1))
    assert torch.equal(banded_causal_mask(6, None), torch.ones(6, 6, dtype=torch.bool).tril())
    assert torch.equal(banded_causal_mask(6, 6), banded_causal_mask(6, None))


def test_only_the_odd_layers_are_banded():
    model = GPT(GPTConfig(**{**SMALL, "n_layer": 4}, attn_band=3))
    assert [block.attn.band for block in model.blocks] == [None, 3, None, 3]
    assert all(block.attn.band is None for block in GPT(GPTConfig(**SMALL)).blocks)


@pytest.mark.parametrize("probed", [False, True])
def test_a_banded_layer_does_not_see_past_its_band(probed):
    torch.manual_seed(0)
    attn = CausalSelfAttention(GPTConfig(**SMALL, attn_band=3), layer=1)
    x = torch.randn(1, 10, 32)
    y = x.clone()
    y[:, :4] += torch.randn(1, 4, 32)  # change tokens 0..3: token t sees t-2..t, so tokens 6.. must not move
    run = (lambda h: attn(h, {})) if probed else attn
    out_x, out_y = run(x), run(y)
    assert torch.allclose(out_x[:, 6:], out_y[:, 6:], atol=1e-6)
    assert not torch.allclose(out_x[:, 5], out_y[:, 5], atol=1e-4)  # token 5 sees token 3


# --- SwiGLU ----------------------------------------------------------------------------------------------


def test_swiglu_width_is_eight_thirds_d_rounded_to_a_multiple_of_8():
    assert swiglu_hidden(48) == 128  # 8 * 48 / 3 exactly
    assert swiglu_hidden(128) == 344  # 341.3 -> 344
    assert swiglu_hidden(32) == 88  # 85.3 -> 88
    assert swiglu_hidden(1) == 8  # never below one multiple
    assert all(swiglu_hidden(d) % 8 == 0 and abs(swiglu_hidden(d) - 8 * d / 3) <= 4 for d in range(3, 400))


@pytest.mark.parametrize("d_model", [48, 32, 64, 128])
def test_swiglu_keeps_the_mlp_parameter_count(d_model):
    base = dict(n_layer=2, n_head=4, d_model=d_model, n_ctx=16, vocab_size=64, bias=False)
    gelu, swiglu = GPT(GPTConfig(**base)), GPT(GPTConfig(**base, swiglu=True))
    mlp = sum(p.numel() for p in swiglu.blocks[0].mlp.parameters())
    assert mlp == 3 * d_model * swiglu_hidden(d_model)
    difference = swiglu.num_params() - gelu.num_params()  # 3 d h against 8 d^2 in each layer
    assert abs(difference) <= 2 * 3 * d_model * 8 / 2  # within half a rounding multiple per layer
    if d_model % 3 == 0 and (8 * d_model // 3) % 8 == 0:
        assert difference == 0


# --- RoPE ------------------------------------------------------------------------------------------------


def test_rope_score_depends_only_on_the_offset():
    torch.manual_seed(0)
    T, D = 12, 16
    q, k = torch.randn(D), torch.randn(D)
    rq = apply_rope(q.expand(1, 1, T, D))[0, 0]  # the same query at every position: (T, D)
    rk = apply_rope(k.expand(1, 1, T, D))[0, 0]
    scores = rq @ rk.T  # scores[s, t]: query at s, key at t
    for offset in range(-T + 1, T):
        diagonal = torch.diagonal(scores, offset=-offset)  # every (s, t) with s - t = offset
        assert torch.allclose(diagonal, diagonal[0].expand_as(diagonal), atol=1e-5)
    assert torch.allclose(rq[0], q)  # position 0 is not rotated
    assert torch.allclose(rq.norm(dim=-1), q.norm().expand(T))  # a rotation keeps lengths


def test_rope_replaces_learned_positions_and_leaves_values_alone():
    model = GPT(GPTConfig(**SMALL, rope=True))
    assert model.wpe is None
    assert model.num_params() == GPT(GPTConfig(**SMALL)).num_params() - SMALL["n_ctx"] * SMALL["d_model"]
    torch.manual_seed(0)
    plain = CausalSelfAttention(GPTConfig(**SMALL))
    rotary = CausalSelfAttention(GPTConfig(**SMALL, rope=True))
    rotary.load_state_dict(plain.state_dict())
    with torch.no_grad():  # queries and keys zero: every score 0, so the output averages the (unrotated) values
        for attn in (plain, rotary):
            attn.qkv.weight[: 2 * 32].zero_()
            attn.qkv.bias[: 2 * 32].zero_()
    x = torch.randn(2, 8, 32)
    assert torch.allclose(plain(x), rotary(x), atol=1e-6)


# --- the parallel block ----------------------------------------------------------------------------------


def test_parallel_block_adds_attention_and_mlp_of_one_layernorm():
    model = _build(GPTConfig(**SMALL, parallel_block=True))
    block = model.blocks[0]
    assert block.ln2 is None
    assert model.num_params() == GPT(GPTConfig(**SMALL)).num_params() - SMALL["n_layer"] * 2 * SMALL["d_model"]
    x = torch.randn(2, 8, 32)
    h = block.ln1(x)
    assert torch.allclose(block(x), x + block.attn(h) + block.mlp(h), atol=1e-6)


# --- multi-query and grouped-query attention -------------------------------------------------------------


@pytest.mark.parametrize("n_kv_head", [1, 2])
def test_grouped_query_attention_is_multi_head_attention_with_shared_key_value_heads(n_kv_head):
    d, H, dh = 32, 4, 8
    torch.manual_seed(0)
    gqa = CausalSelfAttention(GPTConfig(**SMALL, n_kv_head=n_kv_head))
    assert gqa.qkv.weight.shape == (d + 2 * n_kv_head * dh, d)
    mha = CausalSelfAttention(GPTConfig(**SMALL))
    group = H // n_kv_head
    with torch.no_grad():  # the MHA copy: each key/value head repeated for its group of query heads
        for name in ("weight", "bias"):
            w = getattr(gqa.qkv, name)
            q, k, v = w.split([d, n_kv_head * dh, n_kv_head * dh])
            k, v = (t.unflatten(0, (n_kv_head, dh)).repeat_interleave(group, 0).flatten(0, 1) for t in (k, v))
            getattr(mha.qkv, name).copy_(torch.cat([q, k, v]))
        mha.proj.load_state_dict(gqa.proj.state_dict())
    x = torch.randn(2, 8, d)
    assert torch.allclose(gqa(x), mha(x), atol=1e-5)
    assert torch.allclose(gqa(x, {}), mha(x), atol=1e-5)


def test_n_kv_head_equal_to_n_head_is_the_default_model():
    a, b = _build(GPTConfig(**SMALL)), _build(GPTConfig(**SMALL, n_kv_head=SMALL["n_head"]))
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


# --- everything together ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("tie", [True, False])
@pytest.mark.parametrize("switch", [*SWITCHES, "all"])
def test_switches_compose_with_biases_and_tied_embeddings(switch, bias, tie):
    kw = SWITCHES if switch == "all" else {switch: SWITCHES[switch]}
    cfg = GPTConfig(**SMALL, **kw, bias=bias, tie_embeddings=tie, qk_layernorm=switch == "all")
    model = _build(cfg)
    x = _ids(cfg)
    logits, loss = model(x[:, :-1], x[:, 1:])
    assert logits.shape == (2, cfg.n_ctx, cfg.vocab_size) and math.isfinite(loss.item())
    loss.backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters())
    stats = {}
    probed, _ = model(x[:, :-1], stats=stats)  # the spelled-out attention computes the same logits
    assert torch.allclose(probed, logits, atol=1e-5) and math.isfinite(stats["max_attn_logit"])
    has_bias = any(name.endswith("bias") for name, _ in model.named_parameters())
    assert has_bias == bias
    assert (model.lm_head.weight is model.wte.weight) == tie


# --- μP --------------------------------------------------------------------------------------------------


def test_mup_at_the_base_width_is_the_standard_model():
    sp = _build(GPTConfig(**SMALL))
    mu = _build(GPTConfig(**SMALL, mup_base_width=SMALL["d_model"]))
    assert all(torch.equal(p, q) for p, q in zip(sp.parameters(), mu.parameters()))
    x = _ids(sp.cfg)[:, :-1]
    assert torch.allclose(sp(x)[0], mu(x)[0], atol=1e-5)


def test_mup_init_and_output_multiplier_follow_the_width():
    sp = _build(GPTConfig(**{**SMALL, "d_model": 128}))
    mu = _build(GPTConfig(**{**SMALL, "d_model": 128}, mup_base_width=32))  # m = 4
    assert mu.cfg.mup_width_mult == 4.0
    hidden = dict(mu.hidden_matrices())
    assert set(hidden) == {
        f"blocks.{i}.{n}.weight" for i in range(2) for n in ("attn.qkv", "attn.proj", "mlp.fc", "mlp.proj")
    }
    for name, p in sp.named_parameters():  # same draws: hidden matrices halved (1/sqrt(4)), the rest unchanged
        q = dict(mu.named_parameters())[name]
        assert torch.allclose(q, p / 2) if name in hidden else torch.equal(q, p)
    assert mu.blocks[0].attn.scale == pytest.approx(math.sqrt(8) / 32)  # sqrt(base d_head) / d_head
    x = _ids(sp.cfg)[:, :-1]
    with torch.no_grad():
        features = mu.ln_f(mu.blocks[1](mu.blocks[0](mu.wte(x) + mu.wpe(torch.arange(x.shape[1])))))
        assert torch.allclose(mu(x)[0], mu.lm_head(features) / 4, atol=1e-6)


def test_mup_param_groups_scale_hidden_learning_rates_by_one_over_m():
    model = GPT(GPTConfig(**{**SMALL, "d_model": 128}, mup_base_width=32, tie_embeddings=False))
    groups = mup.param_groups(model, lr=1e-2, weight_decay=0.1)
    hidden = {id(p) for _, p in model.hidden_matrices()}
    seen = [id(p) for g in groups for p in g["params"]]
    assert sorted(seen) == sorted(id(p) for p in model.parameters())  # every parameter exactly once
    for g in groups:
        kinds = {id(p) in hidden for p in g["params"]}
        assert len(kinds) == 1
        if kinds == {True}:
            assert g["lr"] == pytest.approx(1e-2 / 4) and g["weight_decay"] == pytest.approx(0.4)
        else:
            assert g["lr"] == 1e-2  # embeddings, the readout, biases and LayerNorms: unchanged
    embeddings = next(g for g in groups if any(p is model.wte.weight for p in g["params"]))
    assert embeddings["lr"] == 1e-2 and embeddings["weight_decay"] == 0.1
    torch.optim.AdamW(groups)  # plain AdamW takes them as they are


def _coord_sizes(width: int, base: int | None, steps: int = 4, lr: float = 1e-2) -> dict:
    """Mean |coordinate| of each layer's output after a few Adam steps: μP's "coord check" (Yang et al. 2022)."""
    torch.manual_seed(0)
    model = GPT(GPTConfig(n_layer=2, n_head=4, d_model=width, n_ctx=16, vocab_size=64, mup_base_width=base))
    opt = torch.optim.AdamW(mup.param_groups(model, lr, 0.0))
    x = _ids(model.cfg, batch=8, seed=1)
    for _ in range(steps):
        _, loss = model(x[:, :-1], x[:, 1:])
        opt.zero_grad()
        loss.backward()
        opt.step()
    sizes, hooks = {}, []
    for i, block in enumerate(model.blocks):
        for name in ("attn", "mlp"):
            record = lambda m, inp, out, key=f"{name}{i}": sizes.__setitem__(key, out.abs().mean().item())  # noqa: E731
            hooks.append(getattr(block, name).register_forward_hook(record))
    with torch.no_grad():
        sizes["logits"] = model(x[:, :-1])[0].abs().mean().item()
    for h in hooks:
        h.remove()
    return sizes


def test_coord_check_mup_keeps_layer_outputs_flat_across_widths_while_sp_grows():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        widths = (32, 64, 128, 256)
        mu = [_coord_sizes(w, base=32) for w in widths]
        sp = [_coord_sizes(w, base=None) for w in widths]
    finally:
        torch.set_num_threads(threads)
    for key in mu[0]:
        sizes = [s[key] for s in mu]
        assert max(sizes) / min(sizes) < 2.0, (key, sizes)  # μP: the same size at every width
        assert sp[-1][key] / sp[0][key] > 2.0, (key, [s[key] for s in sp])  # SP: grows with width
    assert mu[0] == sp[0]  # at the base width they are the same model


def test_train_runs_mup_hidden_layers_at_lr_over_m_through_the_schedule():
    cfg = TrainConfig(
        model=GPTConfig(**{**SMALL, "d_model": 128, "vocab_size": 256}, mup_base_width=32),
        steps=4,
        batch_size=4,
        lr=1e-3,
        warmup_steps=2,
        weight_decay=0.0,
        progress=False,
        probe_every=0,
    )
    torch.manual_seed(0)
    before = {n: p.detach().clone() for n, p in GPT(cfg.model).named_parameters()}
    run = train(cfg, learnable_tokens(4000, 0), until=1)  # one step, at lr_at(cfg, 0)
    lr0 = lr_at(cfg, 0)
    moved = {n: (p.detach() - before[n]).abs().median().item() for n, p in run.model.named_parameters()}
    # Adam's first step moves each coordinate by about its rate: lr / m for hidden matrices, lr for the rest
    assert moved["blocks.0.attn.qkv.weight"] == pytest.approx(lr0 / 4, rel=0.05)
    assert moved["blocks.1.mlp.proj.weight"] == pytest.approx(lr0 / 4, rel=0.05)
    assert moved["wte.weight"] == pytest.approx(lr0, rel=0.05)
    # each group runs at the schedule's rate times its own scale; the log reports the schedule's rate
    assert all(g["lr"] == lr0 * g["lr_scale"] for g in run.optimizer.param_groups)
    assert run.log.history[0]["lr"] == lr0


def test_mup_rules_agree_with_the_mup_package_where_it_is_installed():
    """Microsoft's ``mup`` (Yang et al.'s code; not a dependency): which weights are hidden, their width multiplier
    (init std / sqrt(m)), and MuAdamW's per-parameter learning rate and weight decay, parameter by parameter."""
    mup_package = pytest.importorskip("mup")
    shape = dict(n_layer=2, n_head=4, n_ctx=16, vocab_size=64, tie_embeddings=False)
    base, wide = GPT(GPTConfig(**shape, d_model=32)), GPT(GPTConfig(**shape, d_model=128))
    for model in (base, wide):  # their readout: the 1/m output multiplier lives in the layer
        model.lm_head = mup_package.MuReadout(model.cfg.d_model, model.cfg.vocab_size, bias=False)
    mup_package.set_base_shapes(wide, base, rescale_params=False)
    decay = [p for p in wide.parameters() if p.dim() >= 2]
    no_decay = [p for p in wide.parameters() if p.dim() < 2]
    theirs = mup_package.MuAdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-2
    )
    ours_model = GPT(GPTConfig(**shape, d_model=128, mup_base_width=32))
    ours = mup.param_groups(ours_model, lr=1e-2, weight_decay=0.1)

    def rates(groups, model):
        by_id = {id(p): (g["lr"], g["weight_decay"]) for g in groups for p in g["params"]}
        return {name: by_id[id(p)] for name, p in model.named_parameters()}

    ours_rates, their_rates = rates(ours, ours_model), rates(theirs.param_groups, wide)
    assert ours_rates.keys() == their_rates.keys()
    for name, rate in ours_rates.items():
        assert rate == pytest.approx(their_rates[name]), name
    hidden = dict(ours_model.hidden_matrices())
    for name, p in wide.named_parameters():
        assert (p.infshape.ninf() == 2) == (name in hidden), name
        if name in hidden:
            assert p.infshape.width_mult() == ours_model.cfg.mup_width_mult  # mup.init: std * width_mult**-0.5


def test_the_engine_trains_with_every_switch_on_and_probes_do_not_change_the_run():
    model = GPTConfig(**{**SMALL, "vocab_size": 256}, **SWITCHES, bias=False, tie_embeddings=False)

    def run(probe_every):
        cfg = TrainConfig(
            model=model, steps=6, batch_size=4, lr=3e-3, warmup_steps=2, progress=False, probe_every=probe_every
        )
        return train(cfg, learnable_tokens(4000, 0))

    probed, plain = run(2), run(0)
    assert all(math.isfinite(loss) for loss in probed.log.losses)
    assert probed.log.losses == plain.log.losses
    assert all(torch.equal(p, q) for p, q in zip(probed.model.parameters(), plain.model.parameters()))
