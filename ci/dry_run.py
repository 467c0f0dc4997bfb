"""A full-scale dry run on the CPU: every FULL configuration that trains, a few optimizer steps each, and the
projection of its memory and wall time on a T4, an L4 and an A100.

For each notebook (its sizes from ``minirepro.sizes``) it builds the data (the full corpus; for lecture 02 the
smoke crawl stands in for the full one, which takes ~30 s to generate), the full model, and runs STEPS_HERE
optimizer steps on the CPU in bf16 autocast and in fp16 autocast with a GradScaler (torch supports both on the
CPU), through the course engine (``minirepro.train``) where the notebook uses it, else the loop it uses
(``minirepro.measure.measure_training_throughput``). Shapes, dtypes and code paths run; any error fails the check.
A run whose step is larger than MAX_CPU_TOKENS tokens (MAX_CPU_TOKENS_FP16 in fp16) runs on the CPU at a smaller batch
and at most 128 (fp16: 64) positions; the memory check compares estimate and measurement at that same smaller shape.

The projection (all formulas here, one place):
  FLOPs per token  = 6 N + 12 L T d                      (minirepro.measure.flops_per_token: PaLM App. B)
  state memory     = 18 bytes per parameter               (fp32 weights 4 + grads 4 + Adam m, v 8, 16-bit copy 2)
  activations      = L b T d * 34 bytes                   (Korthikanti et al. 2022, Eq. 1, without the 5 a T / d
                                                           term: scaled_dot_product_attention keeps no scores)
                   + b T V * 10 bytes                     (16-bit logits, fp32 log-softmax and its gradient)
                   + L b a T^2 * 10 bytes on probe steps  (the probe's no-grad forward spells attention out to read its
                                                           logits; freed layer by layer, so this is an upper bound)
  step time        = max(FLOPs / (peak * MFU), ops * OP_SECONDS)
                     peak: minirepro.facts.GPUS (T4 fp16 65 TFLOP/s, L4 bf16 121, A100 bf16 312); MFU = MFU_ASSUMED;
                     ops: the aten operations one step dispatches, counted on the CPU here (a TorchDispatchMode)
                     and capped by OPS_PER_STEP(L); OP_SECONDS: eager PyTorch's cost per launched operation
  notebook time    = sum over its training runs (runs x steps x step time) + its other work (OTHER_WORK)
The CPU's measured peak memory: resident set size sampled every 2 ms (/proc/self/statm) during the steps, minus
the resident size before the model was built, with glibc's mmap threshold pinned at 64 KiB so freed tensors leave
the process (the next run's baseline is honest).

Writes build/dry_run.md and prints it. `--no-run`: the projection only (no CPU steps), as tests/test_dry_run.py uses.
"""

from __future__ import annotations

import argparse
import ctypes
import math
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BUILD, ROOT  # noqa: E402 (sys.path set above)

sys.path.insert(0, str(ROOT / "src"))
from minirepro import facts, sizes  # noqa: E402 (sys.path set above)
from minirepro.measure import flops_per_token  # noqa: E402 (sys.path set above)

GPUS = ("T4", "L4", "A100")  # peaks from minirepro.facts.GPUS
MFU_ASSUMED = 0.30  # of the datasheet 16-bit peak, for the matmul-bound part of a step
OP_SECONDS = 10e-6  # eager PyTorch: CPU-side dispatch and launch per operation (tiny models are bound by this)
MAX_CPU_TOKENS = 4096  # a dry-run step larger than this runs at a smaller batch on the CPU
MAX_CPU_TOKENS_FP16 = 256  # the same in fp16, which the CPU emulates
STEPS_HERE = 2  # optimizer steps per precision on the CPU
# GPT-2 small's fp16 steps take ~40 s on the CPU (emulated fp16 matmuls, a 50k vocabulary): off in CI; the fp16
# path (autocast + GradScaler) runs on every other model, and GPT-2 small runs in bf16
FP16_ON_CPU_BIG = bool(os.environ.get("DRY_RUN_FP16_BIG"))
T4_MEMORY_GB = facts.GPUS["T4"].memory_gb
T4_LIMIT_MIN = 16.5  # "about 15 minutes" on a T4 (15 + 10%): a notebook projected past this is resized


def OPS_PER_STEP(n_layer: int) -> int:
    """The aten operations of one training step (forward, backward, clip, AdamW; engine with probes, fp16 with a
    scaler): 200 + 320 per layer, an upper bound of the counts measured on the CPU (the check fails if a measured
    count exceeds it; a probe step adds its own no-grad forward). CUDA's foreach AdamW launches fewer, so this errs
    long."""
    return 200 + 320 * n_layer


@dataclass
class Job:
    """Training runs of one shape in a notebook's full configuration."""

    label: str
    model: dict  # GPTConfig fields
    batch: int
    steps: int  # per run
    runs: float = 1  # how many such runs (fractions: partial runs)
    engine: bool = True  # minirepro.train (else the notebook's own loop)
    probe_every: int = 0
    precisions: tuple = ("bf16", "fp16")

    @property
    def n_ctx(self):
        return self.model.get("n_ctx", 128)


@dataclass
class Notebook:
    name: str  # the name in minirepro.sizes
    path: str
    jobs: list
    other_s: float = 0.0  # seconds of work that is not training (see OTHER_WORK)
    other_note: str = ""
    extra: dict = field(default_factory=dict)


# Non-training work of a full run, in seconds. Lecture 02's filtering, classifier, MinHash and 13-gram passes run on
# the CPU whatever the GPU: measured in smoke on this 2-core machine (wall time minus the mini-runs' training,
# 2026-11) and extrapolated linearly in pages (full 19,512 / smoke 1,464 = 13.3x), plus generating the full crawl
# (26 s measured here). Dedup's candidate pairs grow faster than linearly: read it as a lower bound.
LECTURE02_SMOKE_NONTRAIN_S = 60.0
LECTURE02_FULL_CRAWL_S = 26.0


def notebook_jobs() -> list[Notebook]:
    """Every full configuration that trains, as runs of the notebook (counts read from its cells)."""
    out = []
    c = sizes.for_notebook("00_reproduction_puzzle", "full")
    out.append(
        Notebook(
            "00_reproduction_puzzle",
            "lectures/00_reproduction_puzzle.ipynb",
            [Job("the live run (own loop)", c.MODEL, c.BATCH, c.STEPS, engine=False)],
        )
    )
    c = sizes.for_notebook("01_compute_budgeting", "full", "cuda")
    out.append(
        Notebook(
            "01_compute_budgeting",
            "lectures/01_compute_budgeting.ipynb",
            [Job("MFU timing, GPT-2 small", c.MODEL, c.BATCH, c.STEPS + c.WARMUP, c.REPEATS, engine=False)],
        )
    )
    c = sizes.for_notebook("lab01_compute_budgeting", "full")
    out.append(
        Notebook(
            "lab01_compute_budgeting",
            "solutions/01_compute_budgeting/01_compute_budgeting.ipynb",
            [Job("MFU timing, GPT-2 small", c.MODEL, c.BATCH, c.STEPS + c.WARMUP, 1, engine=False)],
        )
    )
    c = sizes.for_notebook("02_data", "full")
    ratio = c.CRAWL["n_unique"] / sizes.for_notebook("02_data", "smoke").CRAWL["n_unique"]
    out.append(
        Notebook(
            "02_data",
            "lectures/02_data.ipynb",
            [Job("4 data streams (§6)", {**c.MODEL, "bias": False}, c.BATCH, c.STEPS, 4)],
            other_s=LECTURE02_SMOKE_NONTRAIN_S * ratio + LECTURE02_FULL_CRAWL_S,
            other_note=f"CPU: crawl, rules, classifier, dedup, 13-grams ({ratio:.1f}x smoke's pages)",
        )
    )
    c = sizes.for_notebook("03_stability", "full")
    m = {**c.MODEL, "bias": False}
    # §1 10 sweep runs, §2 3 z-loss, §4 3 warmup/clip, §5 2 embedding-LN, §6 2 spike, §7 a warmup-long start +
    # 3 resumed rest-of-runs, §8 three half runs: 20 whole runs + WARMUP + 3 (STEPS - WARMUP) + 3 STEPS / 2 steps
    whole = 20 + 0.1 + 3 * 0.9 + 1.5
    out.append(
        Notebook(
            "03_stability",
            "lectures/03_stability.ipynb",
            [
                Job("sweeps and fixes (§1-§8)", m, c.BATCH, c.STEPS, whole, probe_every=10),
                Job(
                    "precisions (§3): 3 engine runs + 1 by hand",
                    dict(n_layer=2, n_head=2, d_model=32, n_ctx=32, bias=False),
                    8,
                    c.PREC_STEPS,
                    4,
                ),
            ],
        )
    )
    c = sizes.for_notebook("04_scaling_laws", "full")
    from minirepro import scaling

    def shape(d):
        return dict(n_layer=c.N_LAYER, n_head=d // 16 if d % 16 == 0 else 1, d_model=d, bias=False)

    budgets = sorted(c.WIDTHS)
    plan = scaling.isoflop_plan(
        budgets, {b: [shape(d) for d in c.WIDTHS[b]] for b in budgets}, c.BATCH, c.N_CTX, min_steps=150
    )
    jobs = [
        Job(
            f"C={p.budget:.3g} d={p.model.d_model}",
            {**shape(p.model.d_model), "n_ctx": c.N_CTX},
            c.BATCH,
            p.steps,
            precisions=("bf16", "fp16") if p is plan[-1] else (),
        )
        for p in plan
    ]
    widest = max(w for ws in c.WIDTHS.values() for w in ws)
    # §6: one more run at twice the largest budget, its width near the fit's optimum (at most the sweep's widest x 2)
    last = scaling.isoflop_plan([2 * max(budgets)], [shape(2 * widest)], c.BATCH, c.N_CTX, min_steps=150)[0]
    jobs.append(
        Job(
            f"extrapolation C={last.budget:.3g} (upper bound d={2 * widest})",
            {**shape(2 * widest), "n_ctx": c.N_CTX},
            c.BATCH,
            last.steps,
            precisions=(),
        )
    )
    out.append(Notebook("04_scaling_laws", "lectures/04_scaling_laws.ipynb", jobs))
    c = sizes.for_notebook("05_evaluation", "full")
    jobs = []
    for i, (name, shape5) in enumerate(c.SIZES.items()):
        main = i == len(c.SIZES) - 1
        jobs.append(
            Job(
                f"size {name}",
                {**shape5, "n_ctx": c.N_CTX},
                c.BATCH,
                c.STEPS if main else c.SCAN_TO,
                precisions=("bf16", "fp16") if main else (),
            )
        )
    main_shape = {**list(c.SIZES.values())[-1], "n_ctx": c.N_CTX}
    jobs.append(Job("fine-tuning, 2 tasks (own loop)", main_shape, 16, c.FT_STEPS, 2, engine=False, precisions=()))
    # evaluation: forward passes over MAX_ITEMS items x 4 choices, at len(KS) + 6 prompt settings, up to N_CTX bytes,
    # 3 sizes x 4 checkpoints for the scans: counted as a third of a training step's FLOPs per scored token
    n_eval_tokens = c.MAX_ITEMS * 4 * c.N_CTX * (len(c.KS) + 6) * 2
    jobs.append(
        Job(
            "evaluation (forward only, ≈ 1/3 of a step)",
            main_shape,
            64,
            math.ceil(n_eval_tokens / (64 * c.N_CTX) / 3),
            precisions=(),
        )
    )
    out.append(Notebook("05_evaluation", "lectures/05_evaluation.ipynb", jobs))
    out.append(_lecture06())
    return out


def _lecture06() -> Notebook:
    c = sizes.for_notebook("06_architecture", "full")
    arch = {**c.ARCH_MODEL, "bias": True}
    # §1-2: 8 changes x SEEDS seeds at the baseline's FLOPs (multi-query and banded take ~8% more, cheaper steps);
    # §3: 2 parametrisations x 6 rates per width; §4: 2 schedules x SEEDS seeds, the ramped one ~15% longer, and an
    # evaluation (2 batches, forward only) every 5 steps: about 1.25 runs' worth each
    jobs = [Job("architectures x seeds (§1)", arch, c.ARCH_BATCH, c.ARCH_STEPS, 8 * c.SEEDS * 1.02)]
    jobs += [
        Job(f"μP/SP sweep d={w} (§3)", {**c.MUP_MODEL, "d_model": w}, c.MUP_BATCH, c.MUP_STEPS, 12, precisions=())
        for w in c.MUP_WIDTHS
    ]
    jobs.append(Job("batch ramp x seeds (§4)", arch, c.RAMP_BATCH, c.RAMP_STEPS, 2 * c.SEEDS * 1.25, precisions=()))
    return Notebook("06_architecture", "lectures/06_architecture.ipynb", jobs)


def model_numbers(model: dict) -> dict:
    key = repr(sorted(model.items()))
    if key not in _NUMBERS:
        _NUMBERS[key] = _model_numbers(model)
    return _NUMBERS[key]


_NUMBERS: dict = {}


def _model_numbers(model: dict) -> dict:
    from minirepro.model import GPT, GPTConfig

    cfg = GPTConfig(**model)
    with _meta_device():
        net = GPT(cfg)
    n_total = sum(p.numel() for p in net.parameters())
    n_matmul = n_total - cfg.n_ctx * cfg.d_model  # the (tied) token table multiplies every token as the output layer
    return dict(cfg=cfg, n_total=n_total, fpt=flops_per_token(n_matmul, cfg.n_layer, cfg.n_ctx, cfg.d_model))


class _meta_device:
    def __enter__(self):
        import torch

        self.ctx = torch.device("meta")
        self.ctx.__enter__()

    def __exit__(self, *exc):
        self.ctx.__exit__(*exc)


def memory_estimate(job: Job, batch: int | None = None, seq: int | None = None, probe: bool | None = None) -> float:
    """Bytes a GPU needs for this job (the formula of the module docstring)."""
    nums = model_numbers(job.model)
    cfg = nums["cfg"]
    b, t = batch or job.batch, seq or cfg.n_ctx
    probe = job.probe_every > 0 if probe is None else probe
    act = cfg.n_layer * b * t * cfg.d_model * 34 + b * t * cfg.vocab_size * 10
    if probe:
        act += cfg.n_layer * b * cfg.n_head * t * t * 10
    return 18 * nums["n_total"] + act


def step_seconds(job: Job, gpu: str) -> float:
    nums = model_numbers(job.model)
    flops = nums["fpt"] * job.batch * nums["cfg"].n_ctx
    return max(flops / (facts.GPUS[gpu].peak_flops * MFU_ASSUMED), OPS_PER_STEP(nums["cfg"].n_layer) * OP_SECONDS)


def project(notebooks=None) -> list[dict]:
    """One row per notebook: params, tokens, FLOPs, memory, projected minutes per GPU."""
    rows = []
    for nb in notebooks or notebook_jobs():
        tokens = flops = 0.0
        params, mem = 0, 0.0
        minutes = {}
        for job in nb.jobs:
            nums = model_numbers(job.model)
            n_tok = job.runs * job.steps * job.batch * nums["cfg"].n_ctx
            tokens += n_tok
            flops += n_tok * nums["fpt"]
            params = max(params, nums["n_total"])
            mem = max(mem, memory_estimate(job))
        for gpu in GPUS:
            train_s = sum(job.runs * job.steps * step_seconds(job, gpu) for job in nb.jobs)
            minutes[gpu] = (train_s + nb.other_s) / 60
        rows.append(
            dict(
                notebook=nb.name,
                path=nb.path,
                params=params,
                tokens=tokens,
                flops=flops,
                mem_gb=mem / 1e9,
                minutes=minutes,
                other_s=nb.other_s,
                other_note=nb.other_note,
            )
        )
    return rows


# ------------------------------------------------------------------------------------------------------------
# The CPU steps
# ------------------------------------------------------------------------------------------------------------


def _pin_mmap_threshold():
    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, 64 * 1024)  # M_MMAP_THRESHOLD: big blocks are mmapped, freed to the OS
    except OSError:
        pass


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakRSS:
    """The largest resident set size while the block runs, sampled every 2 ms."""

    def __enter__(self):
        self.base = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss())
            time.sleep(0.002)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def growth(self) -> int:
        return self.peak - self.base


def cpu_shape(job: Job, precision: str = "bf16") -> tuple[int, int]:
    """The batch and sequence length the CPU runs for this job: at most MAX_CPU_TOKENS tokens a step in bf16, and
    MAX_CPU_TOKENS_FP16 in fp16 (the CPU emulates fp16 matmuls, ten times slower)."""
    limit = MAX_CPU_TOKENS if precision == "bf16" else MAX_CPU_TOKENS_FP16
    t = min(job.n_ctx, 128 if precision == "bf16" else 64)
    if job.model.get("vocab_size", 256) > 256:  # GPT-2 small: one sequence, short (fp16: 16 positions)
        limit, t = (128, 128) if precision == "bf16" else (16, 16)  # fp16 of GPT-2 small: see FP16_ON_CPU
    return max(1, min(job.batch, limit // t)), t


def run_cpu(job: Job, tokens, precision: str) -> dict:
    """STEPS_HERE optimizer steps of the job's model on the CPU in ``precision``: ops per step, RSS growth, loss."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    from minirepro.model import GPTConfig
    from minirepro.train import TrainConfig, train

    class Count(TorchDispatchMode):
        n = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            Count.n += 1
            return func(*args, **(kwargs or {}))

    b, t = cpu_shape(job, precision)
    cfg = GPTConfig(**{**job.model, "n_ctx": job.n_ctx})
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}[precision]
    t0 = time.perf_counter()
    with PeakRSS() as mem, Count():
        if job.engine:
            run = train(
                TrainConfig(
                    model=cfg,
                    steps=STEPS_HERE,
                    batch_size=b,
                    seq_len=t,
                    precision=precision,
                    device="cpu",
                    warmup_steps=1,
                    probe_every=job.probe_every and 1,
                    progress=False,
                ),
                tokens,
            )
            losses = run.log.losses
            assert all(math.isfinite(x) for x in losses), f"{job.label}: non-finite loss in {precision}: {losses}"
            model_dtype = next(run.model.parameters()).dtype
        else:  # the notebooks' own loops: forward, backward, clip, AdamW (with a GradScaler in fp16)
            from minirepro.model import GPT

            torch.manual_seed(0)
            model = GPT(cfg)
            opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
            scaler = torch.amp.GradScaler("cpu", enabled=precision == "fp16")
            losses = []
            for step in range(STEPS_HERE):
                x = tokens[step * b * t : step * b * t + b * (t + 1)].view(b, t + 1)
                with torch.autocast("cpu", dtype=dtype):
                    _, loss = model(x[:, :-1], x[:, 1:])
                opt.zero_grad(set_to_none=True)
                scaler.scale(loss).backward()
                scaler.unscale_(opt)
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                scaler.step(opt)
                scaler.update()
                losses.append(loss.item())
            assert all(math.isfinite(x) for x in losses), f"{job.label}: non-finite loss in {precision}: {losses}"
            model_dtype = next(model.parameters()).dtype
    assert model_dtype == torch.float32, f"{job.label}: weights must stay fp32 under autocast, got {model_dtype}"
    return dict(
        ops=Count.n / STEPS_HERE, rss=mem.growth, batch=b, seq=t, seconds=time.perf_counter() - t0, loss=losses[-1]
    )


def cpu_checks(notebooks: list[Notebook]) -> list[dict]:
    import torch

    from minirepro import corpus, crawl, data

    _pin_mmap_threshold()
    torch.set_num_threads(1)
    t0 = time.perf_counter()
    full_tokens = data.tokenize(corpus.generate_corpus(0, "full"))  # the full corpus, as lectures 03-05 build it
    crawl_tokens = data.tokenize([p.text for p in crawl.generate_crawl(0, "smoke").pages])  # lecture 02's stand-in
    print(
        f"data: full corpus {len(full_tokens):,} bytes, smoke crawl {len(crawl_tokens):,} bytes "
        f"({time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    out, seen = [], {}
    for nb in notebooks:
        for job in nb.jobs:
            for precision in job.precisions:
                if precision == "fp16" and job.model.get("vocab_size", 256) > 256 and not FP16_ON_CPU_BIG:
                    continue
                key = (
                    repr(sorted(job.model.items())),
                    cpu_shape(job, precision),
                    job.engine,
                    job.probe_every,
                    precision,
                )
                if key not in seen:
                    tokens = crawl_tokens if nb.name == "02_data" else full_tokens
                    seen[key] = run_cpu(job, tokens, precision)
                r = seen[key]
                est = memory_estimate(job, r["batch"], r["seq"], probe=job.probe_every > 0)
                n_layer = job.model["n_layer"]
                assert r["ops"] <= OPS_PER_STEP(n_layer), (
                    f"{nb.name} {job.label}: {r['ops']:.0f} ops per step measured, more than OPS_PER_STEP({n_layer}) = "
                    f"{OPS_PER_STEP(n_layer)}: raise the bound, the projections use it"
                )
                out.append(dict(notebook=nb.name, job=job.label, precision=precision, **r, estimate=est))
                print(
                    f"  {nb.name:<24} {job.label[:34]:<34} {precision}: batch {r['batch']} x {r['seq']}, "
                    f"{r['ops']:.0f} ops/step, loss {r['loss']:.3f}, RSS +{r['rss'] / 1e6:.0f} MB "
                    f"(estimate {est / 1e6:.0f} MB), {r['seconds']:.1f} s",
                    flush=True,
                )
    return out


# ------------------------------------------------------------------------------------------------------------
# The report
# ------------------------------------------------------------------------------------------------------------


def fmt_minutes(m: float) -> str:
    return f"{m * 60:.0f} s" if m < 1 else f"{m:.1f} min"


def report(rows: list[dict], checks: list[dict] | None) -> str:
    lines = [
        "# Full-scale dry run: projections",
        "",
        f"Every notebook's FULL configuration (minirepro.sizes). Peaks from minirepro.facts.GPUS "
        f"({', '.join(f'{g} {facts.GPUS[g].peak_flops / 1e12:.0f} TFLOP/s {facts.GPUS[g].dtype}' for g in GPUS)}), "
        f"MFU {MFU_ASSUMED:.0%}, {OP_SECONDS * 1e6:.0f} µs per eager operation; formulas in ci/dry_run.py's docstring. "
        "The T4 runs fp16 with a GradScaler (no bf16); the L4 and the A100 bf16.",
        "",
        (
            "| notebook | params (largest model) | tokens | FLOPs (6ND + attention) | est. GPU memory "
            "| T4 | L4 | A100 | other work in T4 time |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        fits = "" if r["mem_gb"] < T4_MEMORY_GB else " (**over a T4**)"
        lines.append(
            f"| {r['notebook']} | {r['params'] / 1e6:,.2f}M | {r['tokens'] / 1e6:,.1f}M | {r['flops']:.3g} | "
            f"{r['mem_gb']:.2f} GB{fits} | {fmt_minutes(r['minutes']['T4'])} | {fmt_minutes(r['minutes']['L4'])} | "
            f"{fmt_minutes(r['minutes']['A100'])} | "
            + (f"{r['other_s'] / 60:.1f} min: {r['other_note']}" if r["other_s"] else "")
            + " |"
        )
    if checks is not None:
        lines += [
            "",
            "## CPU steps (the dry run proper)",
            "",
            f"{STEPS_HERE} optimizer steps per precision on the CPU (autocast; fp16 with a GradScaler). Memory: "
            "the RSS growth measured while they ran against the estimate at the same batch and sequence length.",
            "",
            (
                "| notebook | run | precision | CPU batch x seq | ops/step | loss | RSS growth | estimate "
                "| ratio | seconds |"
            ),
            "|---|---|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for c in checks:
            lines.append(
                f"| {c['notebook']} | {c['job']} | {c['precision']} | {c['batch']} x {c['seq']} | {c['ops']:.0f} | "
                f"{c['loss']:.3f} | {c['rss'] / 1e6:.0f} MB | {c['estimate'] / 1e6:.0f} MB | "
                f"{c['rss'] / c['estimate']:.2f} | {c['seconds']:.1f} |"
            )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--no-run", action="store_true", help="the projection only, no CPU steps")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    notebooks = notebook_jobs()
    rows = project(notebooks)
    checks = None if args.no_run else cpu_checks(notebooks)
    text = report(rows, checks)
    BUILD.mkdir(exist_ok=True)
    (BUILD / "dry_run.md").write_text(text)
    print(text)
    problems = [
        f"{r['notebook']}: {r['mem_gb']:.1f} GB does not fit a {T4_MEMORY_GB:.0f} GB T4"
        for r in rows
        if r["mem_gb"] >= T4_MEMORY_GB
    ]
    problems += [
        f"{r['notebook']}: {r['minutes']['T4']:.0f} min on a T4, past {T4_LIMIT_MIN:.0f}"
        for r in rows
        if r["minutes"]["T4"] > T4_LIMIT_MIN
    ]
    for c in checks or []:
        if not 0.25 < c["rss"] / c["estimate"] < 4 and c["estimate"] > 50e6:
            problems.append(
                f"{c['notebook']} {c['job']} {c['precision']}: measured {c['rss'] / 1e6:.0f} MB, "
                f"estimate {c['estimate'] / 1e6:.0f} MB: the memory formula is off by more than 4x"
            )
    print("\n".join(problems) if problems else "dry run: every full configuration fits a T4 and its time", flush=True)
    print(f"(wrote build/dry_run.md in {time.perf_counter() - t0:.0f} s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
