"""Benchmark: the mini-run engine against a plain nanoGPT-style loop at the same configuration.

    .venv/bin/python benchmarks/engine_speed.py [--steps 30] [--repeats 3] [--threads 1]
                                                [--device auto] [--precision auto]

Both train the same tiny GPT (default: 4 layers, width 128, context 128, batch 32) on the same byte
stream, in the same precision (``auto``: fp32 on a CPU, bf16 or fp16 with loss scaling on a GPU, as the
engine picks). Runs are interleaved (plain, engine, plain, engine, ...) so that a load from another
process hits both alike; the table gives the median tokens/s of each and their ratio (engine / plain;
>= 1.0 means the engine costs nothing), and on a GPU the MFU against its datasheet peak
(``minirepro.gpus``), or "unknown" for a GPU the table does not hold. This is a measurement, not a
test: numbers move with the machine and whatever else runs on it.

Threads: torch runs on ``--threads`` CPU threads, 1 unless told (0 keeps torch's default, one per core). With
many threads on a machine that other processes share, each step waits for its slowest thread, and the ratio
moved from 1.10 to 1.46 between two runs in an earlier session's measurement (issue 13, min-max spread 2.7x); on
one thread it stayed at 0.99-1.00. The thread count is printed with the result: compare only tables measured with
the same count.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from minirepro.config import resolve_device
from minirepro.gpus import device_name, device_peak, format_mfu, resolve_precision
from minirepro.measure import model_flops_per_token
from minirepro.model import GPT, GPTConfig
from minirepro.train import TrainConfig, train


def plain_loop(cfg: GPTConfig, tokens, steps, batch_size, lr, device, precision="fp32") -> float:
    """The loop nanoGPT's train.py boils down to: sample, forward, backward, clip, step. Tokens/s."""
    torch.manual_seed(0)
    model = GPT(cfg).to(device)
    # nanoGPT's configure_optimizers: weight decay on matrices, none on biases and LayerNorm weights
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.95)
    )
    g = torch.Generator().manual_seed(0)
    device_type = device.split(":")[0]
    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision)
    scaler = torch.amp.GradScaler(device_type, enabled=precision == "fp16")  # nanoGPT: a GradScaler, on for fp16

    def batch():
        ix = torch.randint(len(tokens) - cfg.n_ctx - 1, (batch_size,), generator=g)
        x = torch.stack([tokens[i : i + cfg.n_ctx] for i in ix])
        y = torch.stack([tokens[i + 1 : i + 1 + cfg.n_ctx] for i in ix])
        return x.to(device), y.to(device)

    def step():
        x, y = batch()
        with torch.autocast(device_type, dtype=dtype, enabled=dtype is not None):
            _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(opt)
        scaler.update()
        return loss.item()

    step()  # warm up
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return steps * batch_size * cfg.n_ctx / (time.perf_counter() - t0)


def engine(cfg: GPTConfig, tokens, steps, batch_size, lr, device, probe_every, precision="fp32") -> float:
    tc = TrainConfig(
        model=cfg,
        steps=steps + 1,
        batch_size=batch_size,
        lr=lr,
        warmup_steps=1,
        device=device,
        probe_every=probe_every,
        precision=precision,
        progress=False,
    )
    run = train(tc, tokens)
    # "time" is logged at the end of every step: measure from the end of the warm-up step, as for the plain loop
    elapsed = run.log.history[-1]["time"] - run.log.history[0]["time"]
    return steps * batch_size * cfg.n_ctx / elapsed


def mfu_column(device: str, precision: str, tokens_per_s: float, fpt: float) -> str | None:
    """The MFU cell of one row: None on a CPU (no column), a percentage, or "unknown: <GPU> is not in the table"."""
    name = device_name(device)
    if name is None:
        return None
    peak = device_peak(device, precision)
    return format_mfu(None if peak is None else tokens_per_s * fpt / peak, name, precision)


def set_threads(n: int) -> int:
    """Pin torch's intra-op CPU threads to ``n`` (0: leave torch's default) and return the count in use."""
    if n > 0:
        torch.set_num_threads(n)
    return torch.get_num_threads()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads (default 1, steady on a shared machine; 0: torch's default)",
    )
    p.add_argument("--device", default="auto")
    p.add_argument("--precision", default="auto", choices=("auto", "fp32", "fp16", "bf16"))
    p.add_argument("--full", action="store_true", help="a GPT-2-small shape (for a GPU)")
    args = p.parse_args(argv)
    if args.threads < 0:
        p.error("--threads must be 0 (torch's default) or a positive count")
    threads = set_threads(args.threads)
    device = resolve_device(args.device)
    precision, reason = resolve_precision(args.precision, device)
    cfg = GPTConfig(n_layer=12, n_head=12, d_model=768, n_ctx=1024, vocab_size=256) if args.full else GPTConfig()
    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(256, (200_000,), generator=g)
    print(
        f"device {device}, torch {torch.__version__}, threads {threads}; "
        f"model {cfg.n_layer}x{cfg.d_model}, ctx {cfg.n_ctx}, batch {args.batch_size}, "
        f"{args.steps} steps x {args.repeats}"
    )
    print(f"precision {precision} ({reason})")
    results = {"plain loop": [], "engine (probes off)": [], "engine (probe every 10)": []}
    for _ in range(args.repeats):
        results["plain loop"].append(plain_loop(cfg, tokens, args.steps, args.batch_size, 1e-3, device, precision))
        results["engine (probes off)"].append(
            engine(cfg, tokens, args.steps, args.batch_size, 1e-3, device, 0, precision)
        )
        results["engine (probe every 10)"].append(
            engine(cfg, tokens, args.steps, args.batch_size, 1e-3, device, 10, precision)
        )
    base = statistics.median(results["plain loop"])
    fpt = model_flops_per_token(cfg)
    on_gpu = device_name(device) is not None
    print(f"{'loop':<26} {'tokens/s (median)':>18} {'min':>10} {'max':>10} {'ratio':>7}" + ("  MFU" if on_gpu else ""))
    for name, values in results.items():
        med = statistics.median(values)
        line = f"{name:<26} {med:>18,.0f} {min(values):>10,.0f} {max(values):>10,.0f} {med / base:>7.3f}"
        if on_gpu:
            line += f"  {mfu_column(device, precision, med, fpt)}"
        print(line)
    print(
        f"measured on {threads} torch thread{'s' if threads != 1 else ''} (--threads {args.threads}); "
        "ratios are comparable only between runs on the same count"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
