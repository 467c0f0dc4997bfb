"""Helpers the ci/ scripts share: paths, running nbgrader, listing assignments, printing tables."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"


def env_with_venv() -> dict:
    """The environment with this interpreter's bin/ first on PATH (nbgrader runs `alembic` by name)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def assignments(root: Path = ROOT) -> list[str]:
    """Assignment ids: every solutions/<id>/<id>.ipynb."""
    return sorted(p.parent.name for p in (root / "solutions").glob("*/*.ipynb") if p.stem == p.parent.name)


def nbgrader(args: list[str], course_root: Path, db_path: Path, check: bool = True, timeout: int | None = None):
    """Run `python -m nbgrader ARGS` on a course folder with its own gradebook."""
    cmd = [
        sys.executable,
        "-m",
        "nbgrader",
        *args,
        f"--CourseDirectory.root={course_root}",
        f"--CourseDirectory.db_url=sqlite:///{db_path}",
    ]
    proc = subprocess.run(cmd, cwd=course_root, env=env_with_venv(), capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"nbgrader {' '.join(args)} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


def scratch_course(dest: Path, root: Path = ROOT) -> Path:
    """A scratch course folder: the nbgrader config and the solutions, nothing else."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy2(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(
        root / "solutions", dest / "solutions", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    )
    return dest


def table(headers: list[str], rows: list[list], title: str = "") -> str:
    cols = [[str(h)] + [str(r[i]) for r in rows] for i, h in enumerate(headers)]
    widths = [max(len(x) for x in col) for col in cols]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731 - a one-line helper, local to this function
    out = [title] if title else []
    out += [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)
