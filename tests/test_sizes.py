"""minirepro.sizes: every notebook's smoke and full sizes in one place, and the notebooks read them from there."""

import re
from pathlib import Path

import nbformat
import pytest
import torch

from minirepro import sizes
from minirepro.model import GPTConfig

ROOT = Path(__file__).resolve().parents[1]
LECTURES = sorted((ROOT / "lectures").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*/*.ipynb"))
#: notebooks that read sizes from the library, and the name they read them under
READERS = {
    **{p: p.stem for p in LECTURES},
    ROOT / "solutions/01_compute_budgeting/01_compute_budgeting.ipynb": "lab01_compute_budgeting",
    ROOT / "solutions/02_data/02_data.ipynb": "lab02_data",
}

#: Every smoke value as it was before the sizes moved into the library. Smoke results, claims, checksums and
#: CI's timings depend on them: change one only on purpose, and then here too.
SMOKE = {
    "00_reproduction_puzzle": dict(
        MODEL=dict(n_layer=2, n_head=4, d_model=128, n_ctx=32), BATCH=16, STEPS=300, EVAL_EVERY=25, PEAK_LR=1.5e-3
    ),
    "01_compute_budgeting": dict(
        MODEL=dict(n_layer=4, n_head=4, d_model=128, n_ctx=128), BATCH=2, STEPS=2, WARMUP=1, REPEATS=3
    ),
    "lab01_compute_budgeting": dict(
        MODEL=dict(n_layer=4, n_head=4, d_model=128, n_ctx=128), BATCH=2, STEPS=2, WARMUP=1
    ),
    "02_data": dict(
        CRAWL={"n_unique": 1_200, "n_reference": 400, "n_benchmark": 120},
        MODEL=dict(n_layer=2, n_head=4, d_model=64, n_ctx=64),
        STEPS=300,
        BATCH=16,
    ),
    "lab02_data": dict(CRAWL={"n_unique": 1_200, "n_reference": 400, "n_benchmark": 120}, TUNE_CRAWL="smoke"),
    "03_stability": dict(
        CORPUS={"world_size": 24, "n_docs": 2_400},
        MODEL=dict(n_layer=2, n_head=4, d_model=64, n_ctx=64),
        STEPS=200,
        BATCH=8,
        PREC_STEPS=60,
    ),
    "04_scaling_laws": dict(
        CORPUS={"world_size": 24, "n_docs": 2_400},
        N_LAYER=2,
        N_CTX=64,
        BATCH=8,
        EVAL_TOKENS=2**16,
        WIDTHS={4e9: [4, 6, 8, 10], 1.2e10: [6, 8, 10, 14, 20], 3.6e10: [8, 12, 16, 24]},
    ),
    "05_evaluation": dict(
        CORPUS={"world_size": 24, "n_docs": 2_400},
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
    "06_architecture": dict(
        CORPUS={"world_size": 24, "n_docs": 2_400},
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
}


def test_every_notebook_has_both_scales():
    assert set(sizes.notebooks()) == set(READERS.values()) == set(SMOKE)
    for name in sizes.notebooks():
        for scale in sizes.SCALES:
            cfg = sizes.for_notebook(name, scale)
            assert cfg.notebook == name and len(list(cfg)) > 0
        assert set(sizes.for_notebook(name, "smoke")) == set(sizes.for_notebook(name, "full")), name


@pytest.mark.parametrize("name", sorted(SMOKE))
def test_smoke_values_are_pinned(name):
    assert sizes.for_notebook(name, "smoke").as_dict() == SMOKE[name]
    assert sizes.for_notebook(name, "smoke", "cpu").as_dict() == SMOKE[name]


def test_lecture_01_smoke_model_is_the_default_gpt_and_full_depends_on_the_device():
    assert GPTConfig(**sizes.for_notebook("01_compute_budgeting", "smoke").MODEL) == GPTConfig()
    gpu, cpu = (sizes.for_notebook("01_compute_budgeting", "full", d) for d in ("cuda", "cpu"))
    assert gpu.MODEL["d_model"] == 768 and gpu.MODEL["n_ctx"] == 1024
    assert cpu.MODEL == dict(n_layer=6, n_head=8, d_model=256, n_ctx=256) and (cpu.BATCH, cpu.STEPS, cpu.WARMUP) == (
        8,
        4,
        2,
    )
    assert sizes.for_notebook("01_compute_budgeting", "full") == gpu  # no device: the GPU's configuration


def test_full_configs_build_valid_models():
    for name in sizes.notebooks():
        cfg = sizes.for_notebook(name, "full")
        if "MODEL" in cfg:
            GPTConfig(**cfg.MODEL)
        for shape in cfg.SIZES.values() if "SIZES" in cfg else ():
            GPTConfig(**shape, n_ctx=cfg.N_CTX)


def test_sizes_are_read_only():
    cfg = sizes.for_notebook("03_stability", "smoke")
    with pytest.raises(AttributeError):
        cfg.STEPS = 5
    model = cfg.MODEL
    model["n_layer"] = 99  # a copy: the registry does not change
    assert sizes.for_notebook("03_stability", "smoke").MODEL["n_layer"] == 2
    with pytest.raises(AttributeError, match="no size"):
        _ = cfg.NOT_A_SIZE
    with pytest.raises(ValueError):
        sizes.for_notebook("03_stability", "huge")
    with pytest.raises(KeyError):
        sizes.for_notebook("99_nothing", "smoke")
    assert "STEPS = 200" in str(cfg)


def test_pin_threads():
    before = torch.get_num_threads()
    try:
        assert sizes.pin_threads("cuda") == before and torch.get_num_threads() == before
        assert sizes.pin_threads("cpu") == before and torch.get_num_threads() == 1
        torch.set_num_threads(before)
        with sizes.one_thread("cpu"):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == before
    finally:
        torch.set_num_threads(before)


def _code(path):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", LECTURES + SOLUTIONS, ids=lambda p: p.parent.name + "/" + p.name)
def test_no_notebook_picks_its_own_sizes(path):
    """No `if SCALE == ...` blocks (or inline conditionals) on SCALE: sizes come from minirepro.sizes."""
    for src in _code(path):
        for line in src.splitlines():
            assert not re.search(r"\bSCALE\s*[!=]=|[!=]=\s*SCALE\b", line.split("#")[0]), f"{path.name}: {line.strip()}"


@pytest.mark.parametrize("path", sorted(READERS), ids=lambda p: p.parent.name + "/" + p.name)
def test_notebooks_read_their_sizes_from_the_library(path):
    code = "\n".join(_code(path))
    assert f'sizes.for_notebook("{READERS[path]}"' in code, path.name
    if path.parent.name == "lectures":
        assert "torch.set_num_threads(1)" not in code, f"{path.name}: use sizes.pin_threads(DEVICE)"
