"""A tiny GPT, written to be read (after nanoGPT; Radford et al. 2019 for the architecture).

Pre-LayerNorm decoder blocks, learned positions, GELU MLP of width 4 * d_model, tied input and
output embeddings by default. The configuration is plain data, with switches that the stability
module (03) and the architecture module (06) turn on and off. Every switch is off by default, and a
default model computes, and draws from the random generator, exactly what it did before the switches.

Stability (module 03):

- ``qk_layernorm``: LayerNorm on queries and keys per head before the dot product (Dehghani et al.
  2023; Wortsman et al. 2023 show it stops attention-logit growth at high learning rates);
- ``z_loss``: coefficient of ``log(Z)**2`` added to the loss, Z the softmax normaliser of the output
  logits (PaLM, Chowdhery et al. 2022 §5, coefficient 1e-4);
- ``embedding_layernorm``: LayerNorm right after the embeddings (BLOOM, BigScience 2022);
- ``emb_grad_shrink``: alpha in ``emb = alpha * emb + (1 - alpha) * emb.detach()``, which scales the
  embedding's gradient by alpha (GLM-130B, Zeng et al. 2022, alpha = 0.1); 1.0 is off;
- ``bias``: biases in linear layers and LayerNorms (PaLM and Wortsman et al. drop them);
- ``tie_embeddings``: share the token embedding with the output layer (GPT-2, PaLM).

Architecture (module 06):

- ``attn_band``: GPT-3's "alternating dense and locally banded sparse attention patterns" (Brown et
  al. 2020 §2.1, after the Sparse Transformer, Child et al. 2019; the paper does not say which layers).
  With a band width w, the layers with an odd index (1, 3, 5, ...: the second, fourth, ... block; layer 0
  stays dense) let a token attend to itself and the w - 1 tokens before it; the others are dense causal.
  None is off;
- ``swiglu``: the MLP ``proj(silu(x W_gate) * (x W_up))`` (Shazeer 2020; PaLM) at hidden width
  ``swiglu_hidden(d_model)``: 8 d / 3 rounded to the nearest multiple of 8, which keeps the three
  weight matrices (3 d h) within 3 * d * 4 of the GELU MLP's two (8 d^2);
- ``rope``: rotary position embedding (Su et al. 2021) on queries and keys (never values); the learned
  position table is then not created, so positions enter only through relative angles;
- ``parallel_block``: ``x + attn(ln(x)) + mlp(ln(x))`` with one LayerNorm per block (GPT-J; PaLM);
- ``n_kv_head``: key/value heads; None means n_head (standard multi-head), 1 is multi-query attention
  (Shazeer 2019; PaLM), anything between that divides n_head is grouped-query (Ainslie et al. 2023):
  each group of n_head / n_kv_head query heads shares one key and one value head;
- ``mup_base_width``: μP (Yang et al. 2022, Tensor Programs V). With m = d_model / mup_base_width, the
  hidden weight matrices (the blocks' linear layers) start at std / sqrt(m), attention scores are
  ``q.k * sqrt(d_head_base) / d_head`` (1/d_head, equal to 1/sqrt(d_head) at the base width; n_head is held
  fixed as the model widens) and the output logits are multiplied by 1/m; embeddings keep their init. The
  per-layer Adam learning rates (hidden matrices at lr / m) are in ``minirepro.mup``. At m = 1 the model is
  the standard one; None is off (standard parametrisation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .checks import positive_int

SWIGLU_MULTIPLE = 8  # SwiGLU's hidden width is rounded to a multiple of this


def swiglu_hidden(d_model: int) -> int:
    """SwiGLU's hidden width at matched parameters: 8 d / 3, to the nearest multiple of 8 (at least 8)."""
    return max(SWIGLU_MULTIPLE, SWIGLU_MULTIPLE * round(8 * d_model / (3 * SWIGLU_MULTIPLE)))


@dataclass
class GPTConfig:
    n_layer: int = 4
    n_head: int = 4
    d_model: int = 128
    n_ctx: int = 128
    vocab_size: int = 256  # byte-level by default
    bias: bool = True
    tie_embeddings: bool = True
    qk_layernorm: bool = False
    z_loss: float = 0.0
    embedding_layernorm: bool = False
    emb_grad_shrink: float = 1.0
    attn_band: int | None = None
    swiglu: bool = False
    rope: bool = False
    parallel_block: bool = False
    n_kv_head: int | None = None
    mup_base_width: int | None = None

    def __post_init__(self):
        for field in ("n_layer", "n_head", "d_model", "n_ctx", "vocab_size"):
            positive_int(f"GPTConfig.{field}", getattr(self, field))
        if self.d_model % self.n_head:
            raise ValueError(
                f"d_model ({self.d_model}) must be divisible by n_head ({self.n_head}) "
                "so that every head has the same width"
            )
        if self.z_loss < 0:
            raise ValueError(f"GPTConfig.z_loss must be >= 0; got {self.z_loss!r}")
        if not 0.0 < self.emb_grad_shrink <= 1.0:
            raise ValueError(f"GPTConfig.emb_grad_shrink is alpha in (0, 1] (1.0 = off); got {self.emb_grad_shrink!r}")
        for field in ("attn_band", "n_kv_head", "mup_base_width"):
            if getattr(self, field) is not None:
                positive_int(f"GPTConfig.{field}", getattr(self, field))
        if self.n_head % self.kv_heads:
            raise ValueError(f"GPTConfig.n_kv_head ({self.n_kv_head}) must divide n_head ({self.n_head})")
        if self.rope and self.d_head % 2:
            raise ValueError(f"RoPE rotates pairs of channels: d_head ({self.d_head}) must be even")
        if self.mup_base_width is not None and self.mup_base_width % self.n_head:
            raise ValueError(
                f"GPTConfig.mup_base_width ({self.mup_base_width}) must be divisible by n_head ({self.n_head}): "
                "μP keeps n_head fixed and widens the heads"
            )

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_head

    @property
    def kv_heads(self) -> int:
        """Key/value heads: ``n_kv_head``, or n_head when it is None."""
        return self.n_head if self.n_kv_head is None else self.n_kv_head

    @property
    def mup_width_mult(self) -> float:
        """μP's m = d_model / mup_base_width (1.0 when μP is off)."""
        return 1.0 if self.mup_base_width is None else self.d_model / self.mup_base_width

    def is_banded(self, layer: int) -> bool:
        """Whether block ``layer`` (0-based) uses the banded pattern: the odd layers, when ``attn_band`` is set."""
        return self.attn_band is not None and layer % 2 == 1

    def hidden_width(self) -> int:
        """The MLP's hidden width: 4 d_model, or ``swiglu_hidden(d_model)`` with SwiGLU."""
        return swiglu_hidden(self.d_model) if self.swiglu else 4 * self.d_model


def banded_causal_mask(T: int, band: int | None, device=None) -> torch.Tensor:
    """(T, T) boolean, True where query i may attend key j: j <= i, and i - j < band when a band is given."""
    mask = torch.ones(T, T, dtype=torch.bool, device=device).tril()  # j <= i
    return mask if band is None else mask.triu(1 - band)  # and j >= i - (band - 1)


def apply_rope(x: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Rotate each pair of channels (2i, 2i+1) of x (B, H, T, d_head) by angle t * base^(-2i/d_head) at position t.

    Then the dot product of a rotated query at position s with a rotated key at t depends on s - t only.
    """
    T, D = x.shape[-2], x.shape[-1]
    inv_freq = base ** (-torch.arange(0, D, 2, device=x.device, dtype=torch.float32) / D)  # (D/2,)
    angle = torch.arange(T, device=x.device, dtype=torch.float32).view(T, 1) * inv_freq  # (T, D/2)
    cos, sin = angle.cos().to(x.dtype), angle.sin().to(x.dtype)
    x1, x2 = x[..., 0::2], x[..., 1::2]  # (B, H, T, D/2) each: the pairs' first and second channels
    rotated = torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1)  # (B, H, T, D/2, 2)
    return rotated.flatten(-2)  # (B, H, T, D), pairs back in place


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg: GPTConfig, layer: int = 0):
        super().__init__()
        self.n_head, self.n_kv_head, self.d_head = cfg.n_head, cfg.kv_heads, cfg.d_head
        self.rope = cfg.rope
        self.band = cfg.attn_band if cfg.is_banded(layer) else None
        # queries for every head, keys and values for the n_kv_head heads (all of them: 3 * d_model)
        self.qkv = nn.Linear(cfg.d_model, cfg.d_model + 2 * self.n_kv_head * self.d_head, bias=cfg.bias)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model, bias=cfg.bias)
        self.q_norm = nn.LayerNorm(self.d_head, bias=cfg.bias) if cfg.qk_layernorm else nn.Identity()
        self.k_norm = nn.LayerNorm(self.d_head, bias=cfg.bias) if cfg.qk_layernorm else nn.Identity()
        self.scale = None  # None: SDPA's own 1/sqrt(d_head)
        if cfg.mup_base_width is not None:  # μP: 1/d_head, equal to 1/sqrt(d_head) at the base width
            self.scale = math.sqrt(cfg.mup_base_width // cfg.n_head) / self.d_head

    def forward(self, x, stats: dict | None = None):
        B, T, C = x.shape  # batch, time (tokens), channels (d_model)
        kv = self.n_kv_head * self.d_head
        q, k, v = self.qkv(x).split([C, kv, kv], dim=2)  # (B, T, C), (B, T, kv), (B, T, kv)
        # split the channels into heads: (B, T, C) -> (B, n_head, T, d_head); keys, values: n_kv_head heads
        q = q.view(B, T, self.n_head, self.d_head).transpose(1, 2)
        k, v = (t.view(B, T, self.n_kv_head, self.d_head).transpose(1, 2) for t in (k, v))
        q, k = self.q_norm(q), self.k_norm(k)
        if self.rope:
            q, k = apply_rope(q), apply_rope(k)
        if self.n_kv_head != self.n_head:  # each key/value head serves a group of query heads
            group = self.n_head // self.n_kv_head
            k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)  # (B, n_head, T, d_head)
        if stats is None and self.band is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=self.scale)  # (B, n_head, T, d_head)
        elif stats is None:
            mask = banded_causal_mask(T, self.band, x.device)  # (T, T), True = attend
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=self.scale)
        else:  # the same computation, spelled out, so the logits can be measured
            att = q @ k.transpose(-2, -1)  # (B, n_head, T, T)
            att = att / math.sqrt(q.size(-1)) if self.scale is None else att * self.scale
            att = att.masked_fill(~banded_causal_mask(T, self.band, x.device), float("-inf"))
            largest = att.amax().float()
            stats["max_attn_logit"] = max(stats.get("max_attn_logit", float("-inf")), largest.item())
            y = F.softmax(att.float(), dim=-1).to(v.dtype) @ v  # (B, n_head, T, d_head)
        # heads back side by side: (B, n_head, T, d_head) -> (B, T, C)
        return self.proj(y.transpose(1, 2).contiguous().view(B, T, C))


class MLP(nn.Module):
    """GPT-2's feed-forward layer: widen to 4 * d_model, GELU, project back.

    With ``swiglu``: one matrix makes the gate and the value side by side, ``silu(gate) * value``, project back.
    """

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.swiglu = cfg.swiglu
        hidden = cfg.hidden_width()
        self.fc = nn.Linear(cfg.d_model, 2 * hidden if cfg.swiglu else hidden, bias=cfg.bias)
        self.act = nn.SiLU() if cfg.swiglu else nn.GELU()
        self.proj = nn.Linear(hidden, cfg.d_model, bias=cfg.bias)  # a residual projection

    def forward(self, x):
        if self.swiglu:
            gate, value = self.fc(x).chunk(2, dim=-1)  # (B, T, C) -> 2 x (B, T, H)
            return self.proj(self.act(gate) * value)  # (B, T, H) -> (B, T, C)
        return self.proj(self.act(self.fc(x)))  # (B, T, C) -> (B, T, 4C) -> (B, T, C)


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig, layer: int = 0):
        super().__init__()
        self.parallel = cfg.parallel_block
        self.ln1 = nn.LayerNorm(cfg.d_model, bias=cfg.bias)
        self.attn = CausalSelfAttention(cfg, layer)
        self.ln2 = None if cfg.parallel_block else nn.LayerNorm(cfg.d_model, bias=cfg.bias)
        self.mlp = MLP(cfg)

    def forward(self, x, stats: dict | None = None):  # (B, T, C) -> (B, T, C)
        if self.parallel:  # one LayerNorm, attention and MLP side by side
            h = self.ln1(x)
            return x + self.attn(h, stats) + self.mlp(h)
        x = x + self.attn(self.ln1(x), stats)
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.wpe = None if cfg.rope else nn.Embedding(cfg.n_ctx, cfg.d_model)
        self.emb_ln = nn.LayerNorm(cfg.d_model, bias=cfg.bias) if cfg.embedding_layernorm else nn.Identity()
        self.blocks = nn.ModuleList(Block(cfg, layer) for layer in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.d_model, bias=cfg.bias)
        self.lm_head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        if cfg.tie_embeddings:
            self.lm_head.weight = self.wte.weight
        self.apply(self._init)
        for block in self.blocks:  # GPT-2's scaled init of the residual projections (attention's and the MLP's)
            for proj in (block.attn.proj, block.mlp.proj):
                nn.init.normal_(proj.weight, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))
        if cfg.mup_base_width is not None:  # μP: hidden matrices start at std / sqrt(m); no new random draws
            with torch.no_grad():
                for _, weight in self.hidden_matrices():
                    weight.mul_(1.0 / math.sqrt(cfg.mup_width_mult))

    @staticmethod
    def _init(module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def hidden_matrices(self):
        """``(name, weight)`` of the blocks' linear layers: μP's hidden (matrix-like) weights, both sides width."""
        for name, module in self.blocks.named_modules():
            if isinstance(module, nn.Linear):
                yield f"blocks.{name}.weight", module.weight

    def num_params(self, non_embedding: bool = False) -> int:
        """Parameters, counted once even where tied; ``non_embedding`` drops token and position tables."""
        n = sum(p.numel() for p in self.parameters())
        if non_embedding:
            n -= self.wte.weight.numel() + (0 if self.wpe is None else self.wpe.weight.numel())
        return n

    def forward(self, idx, targets=None, stats: dict | None = None):
        """Logits, and the loss when ``targets`` are given.

        Pass a dict as ``stats`` to have it filled with what the stability module watches:
        ``max_attn_logit`` (largest pre-softmax attention logit), ``log_z`` (mean log of the output
        softmax normaliser) and, with targets, ``ce_loss`` (the loss without z-loss).
        """
        B, T = idx.shape
        if T > self.cfg.n_ctx:
            raise ValueError(f"sequence length {T} exceeds the model's context n_ctx={self.cfg.n_ctx}")
        x = self.wte(idx)  # (B, T) token ids -> (B, T, C)
        if self.wpe is not None:
            x = x + self.wpe(torch.arange(T, device=idx.device))
        x = self.emb_ln(x)
        alpha = self.cfg.emb_grad_shrink
        if alpha < 1.0:
            x = alpha * x + (1.0 - alpha) * x.detach()
        for block in self.blocks:
            x = block(x, stats)
        logits = self.lm_head(self.ln_f(x))  # (B, T, C) -> (B, T, vocab_size)
        if self.cfg.mup_base_width is not None:  # μP's output multiplier 1/m
            logits = logits / self.cfg.mup_width_mult
        log_z = None
        if stats is not None or (targets is not None and self.cfg.z_loss > 0):
            log_z = torch.logsumexp(logits.float(), dim=-1)  # (B, T)
        if stats is not None:
            stats["log_z"] = log_z.mean().item()
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.float().view(-1, logits.size(-1)), targets.reshape(-1))
        if stats is not None:
            stats["ce_loss"] = loss.item()
        if self.cfg.z_loss > 0:
            loss = loss + self.cfg.z_loss * (log_z**2).mean()
        return logits, loss
