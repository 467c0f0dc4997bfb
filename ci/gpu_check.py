"""When a GPU is lent: run every lecture and every solution at SCALE="full" and measure them.

For each notebook (papermill, DEVICE="cuda", SCALE="full") and each precision where they differ (fp16 and bf16 on a
GPU that has bf16; fp16 only on a T4 or a V100), it records the wall time, the peak GPU memory
(``torch.cuda.max_memory_allocated`` read by a cell injected at the end of the executed copy), tokens/s and MFU
where the notebook trains with the course engine (``minirepro.train`` reports them in each run's log), and the key
number each lecture's lesson rests on (KEY_NUMBERS: one variable the notebook leaves behind). The precision reaches
the engine through the environment variable MINIREPRO_PRECISION, which this script sets for the kernel; the engine
reads it only if it supports it (an engine without it runs its own default, and the table says which precision ran).
Writes one markdown table to build/gpu_check.md.

Without CUDA it says so and exits 0, unless ``--cpu-tiny``: then the same machinery runs on the CPU on a tiny
synthetic notebook (tests/test_gpu_check.py), so that the code path is tested where no GPU is.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BUILD, ROOT  # noqa: E402 (sys.path set above)

#: notebook stem -> (variable the notebook leaves, what it means). One number per lesson.
KEY_NUMBERS = {
    "00_reproduction_puzzle": ("PEAK_LR", "peak learning rate of the live run"),
    "01_compute_budgeting": ("mfu", "MFU measured for GPT-2 small (median)"),
    "02_data": ("clean_l", "held-out loss of the cleaned stream's mini-run"),
    "03_stability": ("halvings", "fp16 loss-scale halvings of the engine's run"),
    "04_scaling_laws": ("got", "loss of the extrapolated run"),
    "05_evaluation": ("gpt_bpb", "bits per byte of the main model"),
    "06_architecture": ("band_cost", "loss cost of the banded layers at equal FLOPs"),
}

#: The cell appended to each executed copy: prints one JSON line the script reads back.
PROBE = """
import json as _json, math as _math
_out = {"max_memory_allocated": None, "runs": []}
try:
    import torch as _torch
    if _torch.cuda.is_available():
        _out["max_memory_allocated"] = _torch.cuda.max_memory_allocated()
except Exception:
    pass
_key = __KEY__
if _key and _key in globals():
    _v = globals()[_key]
    try:
        import numpy as _np
        _v = float(_np.median(_v))
    except Exception:
        _v = repr(_v)
    _out["key"] = _v
for _name, _value in list(globals().items()):
    _log = getattr(_value, "log", None)
    _hist = getattr(_log, "history", None)
    if isinstance(_hist, list):
        _rec = [_h for _h in _hist if isinstance(_h, dict) and _h.get("tokens_per_s")]
        if _rec:
            _out["runs"].append({
                "tokens_per_s": sum(_h["tokens_per_s"] for _h in _rec) / len(_rec),
                "mfu": None if _rec[-1].get("mfu") is None else sum(_h["mfu"] for _h in _rec) / len(_rec),
            })
print("GPU_CHECK " + _json.dumps(_out))
"""

TINY = """{"cells": [
 {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "SCALE = 'smoke'\\nDEVICE = 'cpu'\\nSEED = 0", "outputs": [], "execution_count": null},
 {"cell_type": "code", "metadata": {}, "source": "import os, torch\\nfrom minirepro.model import GPTConfig\\nfrom minirepro.train import TrainConfig, train\\ntorch.set_num_threads(1)\\nprecision = os.environ.get('MINIREPRO_PRECISION', 'fp32')\\nrun = train(TrainConfig(model=GPTConfig(n_layer=1, n_head=2, d_model=16, n_ctx=16), steps=6, batch_size=4, warmup_steps=1, probe_every=2, device=DEVICE, precision=precision if DEVICE != 'cpu' else 'fp32', progress=False), torch.arange(2000) % 256)\\nfinal = run.log.losses[-1]", "outputs": [], "execution_count": null}
 ], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}"""  # noqa: E501 (a notebook's JSON, written as is)


def precisions(device: str) -> list[str]:

    if device == "cpu":
        return ["fp32"]
    from minirepro.gpus import has_native_bf16  # not torch.cuda.is_bf16_supported(): it says True on a T4 (emulated)

    return ["fp16", "bf16"] if has_native_bf16(device) else ["fp16"]


def run_notebook(path: Path, scale: str, device: str, precision: str, key: str | None, out_dir: Path) -> dict:
    import nbformat
    import papermill as pm

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / path.parent.name
        shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        src = work / path.name
        if not src.exists():
            shutil.copy2(path, src)
        nb = nbformat.read(src, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(PROBE.replace("__KEY__", repr(key))))
        nbformat.write(nb, src)
        out = out_dir / f"{path.stem}.{precision}.ipynb"
        env_before = os.environ.get("MINIREPRO_PRECISION")
        os.environ["MINIREPRO_PRECISION"] = precision
        t0 = time.perf_counter()
        error = ""
        try:
            pm.execute_notebook(
                str(src),
                str(out),
                parameters={"SCALE": scale, "DEVICE": device},
                kernel_name="python3",
                cwd=str(work),
                progress_bar=False,
                log_output=False,
                execution_timeout=3600,
            )
        except Exception as exc:  # noqa: BLE001 - one failing notebook must not hide the others
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"[:200]
        finally:
            if env_before is None:
                os.environ.pop("MINIREPRO_PRECISION", None)
            else:
                os.environ["MINIREPRO_PRECISION"] = env_before
        wall = time.perf_counter() - t0
    probe = {}
    if out.exists():
        for cell in nbformat.read(out, as_version=4).cells[-1:]:
            for o in cell.get("outputs", []):
                for line in o.get("text", "").splitlines():
                    if line.startswith("GPU_CHECK "):
                        probe = json.loads(line[len("GPU_CHECK ") :])
    runs = [r for r in probe.get("runs", []) if r.get("tokens_per_s")]
    return dict(
        notebook=str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name,
        precision=precision,
        wall_s=wall,
        error=error,
        max_memory=probe.get("max_memory_allocated"),
        key_name=key,
        key=probe.get("key"),
        tokens_per_s=max((r["tokens_per_s"] for r in runs), default=None),
        mfu=max((r["mfu"] for r in runs if r.get("mfu") is not None), default=None),
    )


def table(rows: list[dict], title: str) -> str:
    lines = [
        f"# {title}",
        "",
        "| notebook | precision | wall | peak GPU memory | tokens/s (best run) | MFU | key number | result |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        mem = "n/a" if r["max_memory"] is None else f"{r['max_memory'] / 2**30:.2f} GiB"
        tps = "n/a" if r["tokens_per_s"] is None else f"{r['tokens_per_s']:,.0f}"
        mfu = "n/a" if r["mfu"] is None else f"{r['mfu']:.1%}"
        key = "" if r["key_name"] is None else f"{r['key_name']} = {r['key']}"
        lines.append(
            f"| {r['notebook']} | {r['precision']} | {r['wall_s']:.0f} s | {mem} | {tps} | {mfu} | {key} | "
            f"{'ok' if not r['error'] else r['error']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cpu-tiny", action="store_true", help="no GPU: run the machinery on the CPU on a tiny notebook")
    p.add_argument("--out", default=str(BUILD / "gpu_check.md"))
    p.add_argument("notebooks", nargs="*", help="paths (default: every lecture and solution)")
    args = p.parse_args(argv)
    import torch

    out_md = Path(args.out)
    out_md.parent.mkdir(parents=True, exist_ok=True)
    executed = out_md.parent / "gpu_check"
    executed.mkdir(parents=True, exist_ok=True)
    if args.cpu_tiny:
        with tempfile.TemporaryDirectory() as tmp:
            tiny = Path(tmp) / "tiny" / "tiny_gpu_check.ipynb"
            tiny.parent.mkdir()
            tiny.write_text(TINY)
            rows = [run_notebook(tiny, "smoke", "cpu", prec, "final", executed) for prec in precisions("cpu")]
        title = "gpu_check --cpu-tiny: the machinery on a tiny synthetic notebook, on the CPU"
    elif not torch.cuda.is_available():
        print(
            "gpu_check: no CUDA device here: nothing to measure (ci/dry_run.py is the evidence without a GPU; "
            "--cpu-tiny runs this machinery on the CPU)"
        )
        return 0
    else:
        paths = [Path(x).resolve() for x in args.notebooks] or (
            sorted((ROOT / "lectures").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*/*.ipynb"))
        )
        rows = []
        for path in paths:
            for prec in precisions("cuda"):
                r = run_notebook(
                    path,
                    "full",
                    "cuda",
                    prec,
                    KEY_NUMBERS.get(path.stem, (None,))[0] if path.parent.name == "lectures" else None,
                    executed,
                )
                rows.append(r)
                print(
                    f"{r['notebook']} {prec}: {r['wall_s']:.0f} s {'ok' if not r['error'] else r['error']}", flush=True
                )
        title = f'gpu_check on {torch.cuda.get_device_name()} (SCALE="full")'
    text = table(rows, title)
    out_md.write_text(text)
    print(text)
    return 1 if any(r["error"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
