"""ci/gpu_check.py: without CUDA it says so and exits 0; --cpu-tiny runs its machinery on a tiny notebook."""

import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "ci"))
import gpu_check  # noqa: E402 (sys.path set above)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: gpu_check would run everything")
def test_without_cuda_it_says_so_and_exits_0(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "ci/gpu_check.py"), "--out", str(tmp_path / "t.md")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "no CUDA" in done.stdout
    assert not (tmp_path / "t.md").exists()


def test_cpu_tiny_runs_the_machinery(tmp_path):
    out = tmp_path / "gpu_check.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "ci/gpu_check.py"), "--cpu-tiny", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = out.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| tiny_gpu_check.ipynb"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "fp32" and cells[-1] == "ok"
    assert cells[3] == "n/a"  # no GPU memory on the CPU
    assert float(cells[4].replace(",", "")) > 0  # tokens/s from the engine's log
    assert cells[6].startswith("final = ") and 0 < float(cells[6].split("= ")[1]) < 10  # the key number, a loss


def test_every_lecture_has_a_key_number():
    lectures = sorted(p.stem for p in (ROOT / "lectures").glob("*.ipynb"))
    assert sorted(gpu_check.KEY_NUMBERS) == lectures
    import nbformat

    for stem, (name, _what) in gpu_check.KEY_NUMBERS.items():
        code = "\n".join(
            c.source
            for c in nbformat.read(ROOT / "lectures" / f"{stem}.ipynb", as_version=4).cells
            if c.cell_type == "code"
        )
        assert f"{name} = " in code or f"{name}, " in code or f", {name}" in code, f"{stem} never sets {name}"
