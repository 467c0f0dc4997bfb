"""Measure what a real training step costs on the machine a notebook runs on.

``flops_per_token`` is the estimate the MFU definition of PaLM (Chowdhery et al. 2022, App. B) uses:
6 N for the weight matmuls of forward and backward, plus 12 * n_layer * n_ctx * d_model for
attention's QK^T and AV products. ``model_flops_per_token(cfg)`` is the one place that applies it to a
``GPTConfig``, right for every architecture switch (banded layers count their band, not the context).
Module 01's lab asks students to derive more than this gives (the parameter count itself, totals, memory,
cost); the mini-run engine needs it for MFU.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

import torch

from .gpus import device_name, device_peak, format_mfu, resolve_precision
from .model import GPT, GPTConfig


def flops_per_token(n_params: float, n_layer: int, n_ctx: int, d_model: int) -> float:
    """Training FLOPs per token: 6 N + 12 * n_layer * n_ctx * d_model (PaLM, App. B)."""
    return 6.0 * n_params + 12.0 * n_layer * n_ctx * d_model


def matmul_params(cfg: GPTConfig) -> int:
    """The N of 6N: the parameters that multiply every token, counted without allocating the model.

    Kaplan et al. 2020 use non-embedding N; the output layer is a vocab x d_model product for every token
    too, and on a small model a large share of the work, so it is counted (tied to the token embedding, it
    is not in the non-embedding count; untied, it already is). The input lookups are not matmuls.
    """
    with torch.device("meta"):  # no memory, and the random generator is not touched
        gpt = GPT(cfg)
    n = gpt.num_params(non_embedding=True)
    return n + (cfg.vocab_size * cfg.d_model if cfg.tie_embeddings else 0)


def attention_flops_per_token(cfg: GPTConfig, seq_len: int | None = None) -> float:
    """Attention's QK^T and AV FLOPs per token, forward and backward: 12 * d_model * (keys per query), per layer.

    A dense layer counts ``seq_len`` keys per query, PaLM's convention (App. B: the whole T x T score matrix,
    though the causal mask leaves half of it unused). A banded layer (``cfg.attn_band``, the odd layers)
    counts ``min(band, seq_len)``: a score is computed only inside the band, and, as for the dense layers,
    no average over positions is taken (the first band - 1 queries see fewer keys; a block-sparse kernel
    computes them anyway). Multi-query and grouped-query attention change nothing here: every query head
    still scores every key it sees. RoPE's rotations are elementwise and not counted.
    """
    T = seq_len or cfg.n_ctx
    keys = sum(min(cfg.attn_band, T) if cfg.is_banded(layer) else T for layer in range(cfg.n_layer))
    return 12.0 * cfg.d_model * keys


def model_flops_per_token(cfg: GPTConfig, seq_len: int | None = None) -> float:
    """Training FLOPs per token of this model at ``seq_len`` tokens of context (default: its n_ctx).

    6 N (N = ``matmul_params(cfg)``, the real count: SwiGLU's three matrices, MQA's smaller key/value
    projection) plus ``attention_flops_per_token``; with every switch off, ``flops_per_token``'s formula.
    """
    return 6.0 * matmul_params(cfg) + attention_flops_per_token(cfg, seq_len)


@dataclass
class Throughput:
    tokens_per_s: float
    flops_per_token: float
    achieved_flops: float  # FLOP/s = tokens_per_s * flops_per_token
    n_params: int  # parameters that multiply every token: non-embedding ones plus the (tied) output layer
    step_seconds: float
    device: str
    precision: str = "fp32"
    peak_flops: float | None = (
        None  # the GPU's datasheet peak in that precision; None on a CPU or a GPU not in the table
    )

    @property
    def mfu(self) -> float | None:
        """Achieved over datasheet peak FLOP/s; None (unknown) where there is no datasheet peak."""
        return None if self.peak_flops is None else self.achieved_flops / self.peak_flops

    def mfu_text(self) -> str:
        """``"12.3%"``; on a GPU the table does not hold, ``"unknown: <name> is not in the table"``."""
        name = device_name(self.device)
        if name is None and self.mfu is None:
            return f"unknown: {self.device} has no datasheet peak (divide by measure_matmul_flops instead)"
        return format_mfu(self.mfu, name, self.precision)


def measure_training_throughput(
    cfg: GPTConfig | None = None,
    batch_size: int = 8,
    steps: int = 5,
    warmup: int = 2,
    device: str = "cpu",
    seed: int = 0,
    precision: str = "fp32",
) -> Throughput:
    """Time ``steps`` forward+backward+AdamW steps of a tiny GPT on random tokens.

    The first ``warmup`` steps are not timed (allocation, kernel selection). Returns tokens/s, the
    FLOP/s they imply and, on a GPU in ``facts.GPUS``, MFU against its datasheet peak (``Throughput.mfu``;
    None where the GPU is not in the table). ``precision`` as the engine's ("auto": bf16 or fp16 on a GPU,
    fp32 on a CPU); fp16 steps use a gradient scaler, as training would.
    """
    if steps < 1 or batch_size < 1 or warmup < 0:
        raise ValueError("steps and batch_size must be >= 1 and warmup >= 0")
    precision, _ = resolve_precision(precision, device)
    device_type = device.split(":")[0]
    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision)
    scaler = torch.amp.GradScaler(device_type, enabled=precision == "fp16")
    cfg = cfg or GPTConfig()
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = GPT(cfg).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    x = torch.randint(cfg.vocab_size, (batch_size, cfg.n_ctx + 1), generator=gen).to(device)
    inputs, targets = x[:, :-1], x[:, 1:]

    def step():
        with torch.autocast(device_type, dtype=dtype) if dtype is not None else contextlib.nullcontext():
            _, loss = model(inputs, targets)
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()

    def sync():
        if device.startswith("cuda"):
            torch.cuda.synchronize()

    for _ in range(warmup):
        step()
    sync()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    sync()
    seconds = (time.perf_counter() - t0) / steps
    n = matmul_params(cfg)
    fpt = model_flops_per_token(cfg)
    tps = batch_size * cfg.n_ctx / seconds
    return Throughput(tps, fpt, tps * fpt, n, seconds, device, precision, device_peak(device, precision))


def measure_matmul_flops(n: int = 1024, repeats: int = 5, device: str = "cpu", dtype=torch.float32) -> float:
    """FLOP/s of a large square matmul: an *achievable* peak for a machine with no published one (a CPU).

    A GPU's MFU is quoted against its datasheet peak (``minirepro.gpus.gpu_peak``); a CPU has no comparable
    figure, so the course divides by this measurement instead and says so.
    """
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    a @ b  # warm up
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n**3 / best
