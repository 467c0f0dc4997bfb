"""Every notebook's sizes, in one place: one named, frozen configuration per notebook and scale.

``SCALE="smoke"`` is what CI runs on a 2-core CPU; ``SCALE="full"`` is what a Colab GPU runs (see
``minirepro.setup``). A notebook reads its sizes with ::

    CFG = sizes.for_notebook("03_stability", SCALE)
    print(CFG)
    MODEL, STEPS, BATCH = CFG.MODEL, CFG.STEPS, CFG.BATCH

so that the notebook, the tests (tests/test_sizes.py pins every smoke value) and the full-scale dry run
(ci/dry_run.py, which projects each full configuration's memory and time on a T4, an L4 and an A100) read
the same numbers. Values come back as fresh copies (dicts, lists), so a notebook can change its copy without
changing the registry.

Only the sizes that depend on the scale live here; grids that are the lesson itself (lecture 03's learning
rates, say) stay in the notebook, where the reader sees them next to the experiment.
"""

from __future__ import annotations

import contextlib
import copy
from types import MappingProxyType

import torch

from . import corpus, crawl
from .config import SCALES

GPT2_SMALL = dict(n_layer=12, n_head=12, d_model=768, n_ctx=1024, vocab_size=50304)  # GPT-2 small, vocab padded to 64

#: (notebook, scale) -> the notebook's sizes. "full_cpu" is the full configuration of a notebook that, when asked
#: for SCALE="full" on a CPU, runs something smaller than on a GPU (only lecture 01's timing run does).
_REGISTRY: dict[tuple[str, str], dict] = {
    ("00_reproduction_puzzle", "smoke"): dict(
        MODEL=dict(n_layer=2, n_head=4, d_model=128, n_ctx=32), BATCH=16, STEPS=300, EVAL_EVERY=25, PEAK_LR=1.5e-3
    ),
    ("00_reproduction_puzzle", "full"): dict(
        MODEL=dict(n_layer=4, n_head=4, d_model=128, n_ctx=128), BATCH=32, STEPS=600, EVAL_EVERY=50, PEAK_LR=1e-3
    ),
    # the timing run of section 5: measure_training_throughput, REPEATS times (WARMUP untimed + STEPS timed steps)
    ("01_compute_budgeting", "smoke"): dict(
        MODEL=dict(n_layer=4, n_head=4, d_model=128, n_ctx=128), BATCH=2, STEPS=2, WARMUP=1, REPEATS=3
    ),
    ("01_compute_budgeting", "full"): dict(MODEL=dict(GPT2_SMALL), BATCH=8, STEPS=10, WARMUP=3, REPEATS=3),
    ("01_compute_budgeting", "full_cpu"): dict(
        MODEL=dict(n_layer=6, n_head=8, d_model=256, n_ctx=256), BATCH=8, STEPS=4, WARMUP=2, REPEATS=3
    ),
    ("lab01_compute_budgeting", "smoke"): dict(
        MODEL=dict(n_layer=4, n_head=4, d_model=128, n_ctx=128), BATCH=2, STEPS=2, WARMUP=1
    ),
    ("lab01_compute_budgeting", "full"): dict(MODEL=dict(GPT2_SMALL), BATCH=8, STEPS=20, WARMUP=2),
    # the mini-runs of section 6: one per training stream, same model, steps and data order
    ("02_data", "smoke"): dict(
        CRAWL=dict(crawl.CRAWL_SIZES["smoke"]),
        MODEL=dict(n_layer=2, n_head=4, d_model=64, n_ctx=64),
        STEPS=300,
        BATCH=16,
    ),
    ("02_data", "full"): dict(
        CRAWL=dict(crawl.CRAWL_SIZES["full"]),
        MODEL=dict(n_layer=4, n_head=4, d_model=128, n_ctx=128),
        STEPS=2000,
        BATCH=32,
    ),
    # the lab's crawl is the notebook's scale; the decision of question 12 is always tuned on a smoke-sized crawl
    ("lab02_data", "smoke"): dict(CRAWL=dict(crawl.CRAWL_SIZES["smoke"]), TUNE_CRAWL="smoke"),
    ("lab02_data", "full"): dict(CRAWL=dict(crawl.CRAWL_SIZES["full"]), TUNE_CRAWL="smoke"),
    ("03_stability", "smoke"): dict(
        CORPUS=dict(corpus.CORPUS_SIZES["smoke"]),
        MODEL=dict(n_layer=2, n_head=4, d_model=64, n_ctx=64),
        STEPS=200,
        BATCH=8,
        PREC_STEPS=60,
    ),
    ("03_stability", "full"): dict(
        CORPUS=dict(corpus.CORPUS_SIZES["full"]),
        MODEL=dict(n_layer=4, n_head=4, d_model=128, n_ctx=128),
        STEPS=1000,
        BATCH=32,
        PREC_STEPS=300,
    ),
    # the IsoFLOP sweep: budget C (FLOPs) -> the d_model of each run at that budget
    ("04_scaling_laws", "smoke"): dict(
        CORPUS=dict(corpus.CORPUS_SIZES["smoke"]),
        N_LAYER=2,
        N_CTX=64,
        BATCH=8,
        EVAL_TOKENS=2**16,
        WIDTHS={4e9: [4, 6, 8, 10], 1.2e10: [6, 8, 10, 14, 20], 3.6e10: [8, 12, 16, 24]},
    ),
    ("04_scaling_laws", "full"): dict(
        CORPUS=dict(corpus.CORPUS_SIZES["full"]),
        N_LAYER=2,
        N_CTX=64,
        BATCH=8,
        EVAL_TOKENS=2**18,
        WIDTHS={
            4e9: [4, 6, 8, 10],
            1.2e10: [6, 8, 10, 14, 20],
            3.6e10: [8, 12, 16, 24],
            1.08e11: [12, 16, 20, 24, 32],
            3.24e11: [16, 20, 24, 32, 48],
        },
    ),
    ("05_evaluation", "smoke"): dict(
        CORPUS=dict(corpus.CORPUS_SIZES["smoke"]),
        SIZES={
            "1×32": dict(n_layer=1, n_head=2, d_model=32),
            "2×32": dict(n_layer=2, n_head=2, d_model=32),
            "2×64": dict(n_layer=2, n_head=4, d_model=64),
        },
        N_CTX=128,
        STEPS=1600,
        BATCH=8,
        LR=1e-2,
        SCAN_TO=800,
        KS=[0, 1, 2, 5],
        FT_STEPS=100,
        MAX_ITEMS=400,
        BPB_DOCS=300,
    ),
    ("05_evaluation", "full"): dict(
        CORPUS=dict(corpus.CORPUS_SIZES["full"]),
        SIZES={
            "2×64": dict(n_layer=2, n_head=4, d_model=64),
            "4×128": dict(n_layer=4, n_head=4, d_model=128),
            "6×256": dict(n_layer=6, n_head=8, d_model=256),
        },
        N_CTX=256,
        STEPS=3000,
        BATCH=32,
        LR=2e-3,
        SCAN_TO=3000,
        KS=[0, 1, 2, 5, 10],
        FT_STEPS=200,
        MAX_ITEMS=1500,
        BPB_DOCS=2000,
    ),
    # §1-2: the architecture table at equal training FLOPs (ARCH_STEPS is the baseline's; the others get the steps
    # that spend the same FLOPs), SEEDS seeds a cell; §3: the μP sweep at MUP_WIDTHS (base: the first); §4: the ramp
    ("06_architecture", "smoke"): dict(
        CORPUS=dict(corpus.CORPUS_SIZES["smoke"]),
        ARCH_MODEL=dict(n_layer=2, n_head=4, d_model=32, n_ctx=64),
        ARCH_BAND=16,
        ARCH_STEPS=150,
        ARCH_BATCH=8,
        ARCH_LR=1e-2,
        SEEDS=3,
        MUP_MODEL=dict(n_layer=2, n_head=2, n_ctx=32),
        MUP_WIDTHS=[16, 32, 64],
        MUP_STEPS=200,
        MUP_BATCH=8,
        RAMP_STEPS=150,
        RAMP_BATCH=16,
        RAMP_START=4,
        RAMP_OVER=60,
        EVAL_TOKENS=8192,
    ),
    ("06_architecture", "full"): dict(
        CORPUS=dict(corpus.CORPUS_SIZES["full"]),
        ARCH_MODEL=dict(n_layer=4, n_head=4, d_model=128, n_ctx=256),
        ARCH_BAND=64,
        ARCH_STEPS=1200,
        ARCH_BATCH=32,
        ARCH_LR=3e-3,
        SEEDS=3,
        MUP_MODEL=dict(n_layer=4, n_head=4, n_ctx=128),
        MUP_WIDTHS=[64, 128, 256],
        MUP_STEPS=500,
        MUP_BATCH=32,
        RAMP_STEPS=1000,
        RAMP_BATCH=64,
        RAMP_START=8,
        RAMP_OVER=300,
        EVAL_TOKENS=2**16,
    ),
}

#: What each value means, for print(config).
NOTES = {
    "MODEL": "GPTConfig fields",
    "STEPS": "optimizer steps per run",
    "BATCH": "sequences per step",
    "CRAWL": "crawl.CRAWL_SIZES: pages generated",
    "CORPUS": "corpus.CORPUS_SIZES: documents generated",
    "WIDTHS": "budget C (FLOPs) -> d_model of each run",
    "SIZES": "model sizes compared",
}


def notebooks() -> list[str]:
    """Every notebook that has sizes here (labs are named lab<NN>_<topic>)."""
    return sorted({name for name, _ in _REGISTRY})


class Sizes:
    """A notebook's sizes at one scale: read-only; attribute and item access return copies."""

    __slots__ = ("notebook", "scale", "_values")

    def __init__(self, notebook: str, scale: str, values: dict):
        object.__setattr__(self, "notebook", notebook)
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "_values", MappingProxyType(copy.deepcopy(values)))

    def __getattr__(self, name):
        try:
            return copy.deepcopy(self._values[name])
        except KeyError:
            raise AttributeError(
                f"{self.notebook} has no size {name!r} at scale {self.scale!r}; it has {', '.join(self._values)}"
            ) from None

    def __getitem__(self, name):
        return copy.deepcopy(self._values[name])

    def __setattr__(self, name, value):
        raise AttributeError("a notebook's sizes are read-only: change them in minirepro/sizes.py")

    def __iter__(self):
        return iter(self._values)

    def __contains__(self, name):
        return name in self._values

    def keys(self):
        return self._values.keys()

    def as_dict(self) -> dict:
        return copy.deepcopy(dict(self._values))

    def __eq__(self, other):
        return isinstance(other, Sizes) and (self.notebook, self.scale, dict(self._values)) == (
            other.notebook,
            other.scale,
            dict(other._values),
        )

    def __hash__(self):
        return hash((self.notebook, self.scale))

    def __repr__(self):
        return f"Sizes({self.notebook!r}, {self.scale!r})"

    def __str__(self):
        lines = [f"sizes of {self.notebook} at SCALE={self.scale!r} (minirepro.sizes):"]
        for name, value in self._values.items():
            note = f"   # {NOTES[name]}" if name in NOTES else ""
            lines.append(f"  {name} = {value!r}{note}")
        return "\n".join(lines)


def for_notebook(notebook: str, scale: str, device: str | None = None) -> Sizes:
    """The sizes of ``notebook`` (e.g. "03_stability", or "lab01_compute_budgeting" for a lab) at ``scale``.

    ``device``: a notebook whose full configuration is smaller on a CPU (lecture 01) gets that one when
    ``scale == "full"`` and ``device`` is a CPU; elsewhere ``device`` changes nothing.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}; got {scale!r}")
    if (notebook, scale) not in _REGISTRY:
        raise KeyError(f"no sizes for notebook {notebook!r}; the notebooks are: {', '.join(notebooks())}")
    if (
        scale == "full"
        and device is not None
        and not str(device).startswith("cuda")
        and (notebook, "full_cpu") in _REGISTRY
    ):
        scale = "full_cpu"
    return Sizes(notebook, scale, _REGISTRY[notebook, scale])


def pin_threads(device: str) -> int:
    """On a CPU, run torch on one thread; return the previous thread count (to restore it with
    ``torch.set_num_threads``). The course's models are tiny: one thread is as fast as two, and does not
    collapse when another program shares the cores, as threads that wait on each other do. On a GPU: no change."""
    before = torch.get_num_threads()
    if str(device).startswith("cpu"):
        torch.set_num_threads(1)
    return before


@contextlib.contextmanager
def one_thread(device: str):
    """``pin_threads`` for a block: the thread count is restored when the block ends."""
    before = pin_threads(device)
    try:
        yield
    finally:
        torch.set_num_threads(before)
