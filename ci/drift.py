"""Drift: labs regenerated from solutions must equal the committed labs, byte for byte.

"Committed" is what git would commit: a lab a student ran in place (outputs saved by JupyterLab) is compared
after the nbstripout filter `make setup` installs, so running it does not count as drift; editing it does.
"""

from __future__ import annotations

import difflib
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, scratch_course  # noqa: E402 (sys.path set above)
from generate_labs import generate  # noqa: E402 (sys.path set above)
from nbconventions import as_git_adds_them  # noqa: E402 (sys.path set above)


def lab_files(root: Path = ROOT) -> list[Path]:
    """The files of labs/ that git would commit: tracked or new, not ignored (JupyterLab's .ipynb_checkpoints)."""
    if not (root / "labs").exists():
        return []
    proc = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "labs"],
        cwd=root,
        capture_output=True,
    )
    if proc.returncode != 0:  # not a git clone: every file
        return sorted(p for p in (root / "labs").rglob("*") if p.is_file())
    return sorted({root / name for name in proc.stdout.decode().split("\0") if name and (root / name).is_file()})


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        course = scratch_course(Path(tmp) / "course")
        ids = generate(course)
        fresh = {p.relative_to(course).as_posix(): p for p in (course / "labs").rglob("*") if p.is_file()}
        committed = {p.relative_to(ROOT).as_posix(): p for p in lab_files()}
        problems = []
        as_committed = as_git_adds_them([p for p in committed.values() if p.suffix == ".ipynb"])
        for rel in sorted(set(fresh) | set(committed)):
            if rel not in committed:
                problems.append(f"{rel}: generated from solutions/ but not committed (run: make labs)")
            elif rel not in fresh:
                problems.append(f"{rel}: committed but not generated from any solution (retired lab? remove it)")
            elif fresh[rel].read_bytes() != (ours := as_committed.get(committed[rel], committed[rel].read_bytes())):
                diff = difflib.unified_diff(
                    ours.decode(errors="replace").splitlines(),
                    fresh[rel].read_text().splitlines(),
                    "committed",
                    "regenerated",
                    n=1,
                    lineterm="",
                )
                snippet = "\n".join(list(diff)[:20])
                problems.append(f"{rel}: differs from what solutions/ generates (run: make labs)\n{snippet}")
    for p in problems:
        print(f"drift: {p}")
    print(f"drift: {len(ids)} labs regenerated, {len(problems)} differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
