"""A tiny GPT, written to be read (after nanoGPT; Radford et al. 2019 for the architecture).

Pre-LayerNorm decoder blocks, learned positions, GELU MLP of width 4 * d_model, tied input and
output embeddings by default. The configuration is plain data, with the switches the stability
module (03) turns on and off:

- ``qk_layernorm``: LayerNorm on queries and keys per head before the dot product (Dehghani et al.
  2023; Wortsman et al. 2023 show it stops attention-logit growth at high learning rates);
- ``z_loss``: coefficient of ``log(Z)**2`` added to the loss, Z the softmax normaliser of the output
  logits (PaLM, Chowdhery et al. 2022 §5, coefficient 1e-4);
- ``embedding_layernorm``: LayerNorm right after the embeddings (BLOOM, BigScience 2022);
- ``emb_grad_shrink``: alpha in ``emb = alpha * emb + (1 - alpha) * emb.detach()``, which scales the
  embedding's gradient by alpha (GLM-130B, Zeng et al. 2022, alpha = 0.1); 1.0 is off;
- ``bias``: biases in linear layers and LayerNorms (PaLM and Wortsman et al. drop them);
- ``tie_embeddings``: share the token embedding with the output layer (GPT-2, PaLM).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


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

    def __post_init__(self):
        for field in ("n_layer", "n_head", "d_model", "n_ctx", "vocab_size"):
            value = getattr(self, field)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"GPTConfig.{field} must be a positive int; got {value!r}")
        if self.d_model % self.n_head:
            raise ValueError(
                f"d_model ({self.d_model}) must be divisible by n_head ({self.n_head}) "
                "so that every head has the same width"
            )
        if self.z_loss < 0:
            raise ValueError(f"GPTConfig.z_loss must be >= 0; got {self.z_loss!r}")
        if not 0.0 < self.emb_grad_shrink <= 1.0:
            raise ValueError(f"GPTConfig.emb_grad_shrink is alpha in (0, 1] (1.0 = off); got {self.emb_grad_shrink!r}")


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.n_head = cfg.n_head
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=cfg.bias)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model, bias=cfg.bias)
        d_head = cfg.d_model // cfg.n_head
        self.q_norm = nn.LayerNorm(d_head, bias=cfg.bias) if cfg.qk_layernorm else nn.Identity()
        self.k_norm = nn.LayerNorm(d_head, bias=cfg.bias) if cfg.qk_layernorm else nn.Identity()

    def forward(self, x, stats: dict | None = None):
        B, T, C = x.shape  # batch, time (tokens), channels (d_model)
        q, k, v = self.qkv(x).split(C, dim=2)  # each (B, T, C)
        # split the channels into heads: (B, T, C) -> (B, n_head, T, d_head)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        q, k = self.q_norm(q), self.k_norm(k)
        if stats is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, n_head, T, d_head)
        else:  # the same computation, spelled out, so the logits can be measured
            att = (q @ k.transpose(-2, -1)) / math.sqrt(q.size(-1))  # (B, n_head, T, T)
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            att = att.masked_fill(~mask, float("-inf"))
            largest = att.amax().float()
            stats["max_attn_logit"] = max(stats.get("max_attn_logit", float("-inf")), largest.item())
            y = F.softmax(att.float(), dim=-1).to(v.dtype) @ v  # (B, n_head, T, d_head)
        # heads back side by side: (B, n_head, T, d_head) -> (B, T, C)
        return self.proj(y.transpose(1, 2).contiguous().view(B, T, C))


class MLP(nn.Module):
    """GPT-2's feed-forward layer: widen to 4 * d_model, GELU, project back."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.fc = nn.Linear(cfg.d_model, 4 * cfg.d_model, bias=cfg.bias)
        self.act = nn.GELU()
        self.proj = nn.Linear(4 * cfg.d_model, cfg.d_model, bias=cfg.bias)  # a residual projection

    def forward(self, x):
        return self.proj(self.act(self.fc(x)))  # (B, T, C) -> (B, T, 4C) -> (B, T, C)


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model, bias=cfg.bias)
        self.attn = CausalSelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model, bias=cfg.bias)
        self.mlp = MLP(cfg)

    def forward(self, x, stats: dict | None = None):  # (B, T, C) -> (B, T, C)
        x = x + self.attn(self.ln1(x), stats)
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.wpe = nn.Embedding(cfg.n_ctx, cfg.d_model)
        self.emb_ln = nn.LayerNorm(cfg.d_model, bias=cfg.bias) if cfg.embedding_layernorm else nn.Identity()
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.d_model, bias=cfg.bias)
        self.lm_head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        if cfg.tie_embeddings:
            self.lm_head.weight = self.wte.weight
        self.apply(self._init)
        for block in self.blocks:  # GPT-2's scaled init of the residual projections (attention's and the MLP's)
            for proj in (block.attn.proj, block.mlp.proj):
                nn.init.normal_(proj.weight, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def num_params(self, non_embedding: bool = False) -> int:
        """Parameters, counted once even where tied; ``non_embedding`` drops token and position tables."""
        n = sum(p.numel() for p in self.parameters())
        if non_embedding:
            n -= self.wte.weight.numel() + self.wpe.weight.numel()
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
        pos = torch.arange(T, device=idx.device)
        x = self.emb_ln(self.wte(idx) + self.wpe(pos))  # (B, T) token ids -> (B, T, C)
        alpha = self.cfg.emb_grad_shrink
        if alpha < 1.0:
            x = alpha * x + (1.0 - alpha) * x.detach()
        for block in self.blocks:
            x = block(x, stats)
        logits = self.lm_head(self.ln_f(x))  # (B, T, C) -> (B, T, vocab_size)
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
