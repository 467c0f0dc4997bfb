"""Notebook hygiene: no outputs, kernel python3, a title cell with a Colab badge, one parameters cell; and the
course's layout: lectures/NN_topic.ipynb, solutions/NN_topic/NN_topic.ipynb with its generated labs/NN_topic/,
each lab ending in ``minirepro.check_lab("NN_topic")`` (``nbconventions.lab_layout_problems``, CONTRIBUTING.md).

It checks what git commits, not what a student's JupyterLab saved: each tracked notebook as the index holds it
(in a fresh clone, the committed file) and as `git add` would stage it now (through the nbstripout filter that
`make setup` installs), so running a lecture in place never fails this step, and a dirty commit always does.
Untracked notebooks and copies outside git are checked as they are.

Then the code's style: ``ruff check`` and ``ruff format --check`` over the library, ci/, tests/, benchmarks/
and the notebooks' code, configured in pyproject.toml's [tool.ruff] (labs/ is generated from solutions/).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbconventions import (  # noqa: E402 (sys.path set above)
    ROOT,
    all_notebooks,
    as_git_adds_them,
    filter_hint,
    lab_layout_problems,
    problems,
    staged_bytes,
    tracked,
)
from prose import HINT as PROSE_HINT  # noqa: E402 (sys.path set above)
from prose import problems as prose_problems


def notebook_problems(paths: list[Path], root: Path = ROOT) -> list[str]:
    """Hygiene problems of each notebook as committed (the index) and as the next `git add` would stage it."""
    staged_next = as_git_adds_them(paths, root)
    found = []
    for path in paths:
        if not tracked(path, root):
            found += problems(path, root)
            continue
        mine = problems(path, root, staged_bytes(path, root), " (as staged in git's index)")
        hint = filter_hint(path, root)
        mine += [msg + hint for msg in problems(path, root, staged_next[path], " (as `git add` would stage it)")]
        found += mine
    return found


def ruff_problems(root: Path | None = None) -> list[str]:
    """What `ruff check` and `ruff format --check` report, one line each; nothing when the code is clean."""
    root = root or ROOT
    found = []
    for args in (["check", "--output-format", "concise", "--no-cache"], ["format", "--check", "--no-cache"]):
        out = subprocess.run([sys.executable, "-m", "ruff", *args, "."], cwd=root, capture_output=True, text=True)
        if out.returncode:
            lines = [line for line in (out.stdout + out.stderr).splitlines() if line.strip()]
            found += [f"ruff {args[0]}: {line}" for line in lines]
    if found:
        found.append("ruff: `ruff check --fix . && ruff format .` (in the venv) fixes most of these")
    return found


def main() -> int:
    notebooks = all_notebooks()
    if not notebooks:
        print("hygiene: no notebooks found under lectures/, solutions/, labs/")
        return 1
    found = lab_layout_problems() + notebook_problems(notebooks)
    # Lectures only: no markdown sentence states a result of the run without a claim()/say() next to it.
    prose_found = [msg for nb in notebooks if nb.parent.name == "lectures" for msg in prose_problems(nb, ROOT)]
    found += prose_found
    found += ruff_problems()
    for msg in found:
        print(f"hygiene: {msg}")
    if prose_found:
        print(f"hygiene: {PROSE_HINT}")
    print(f"hygiene: {len(notebooks)} notebooks checked, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
