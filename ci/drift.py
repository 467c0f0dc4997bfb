"""Drift: labs regenerated from solutions must equal the committed labs, byte for byte."""

from __future__ import annotations

import difflib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, scratch_course  # noqa: E402
from generate_labs import generate  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        course = scratch_course(Path(tmp) / "course")
        ids = generate(course)
        fresh = {p.relative_to(course).as_posix(): p for p in (course / "labs").rglob("*") if p.is_file()}
        committed = {p.relative_to(ROOT).as_posix(): p for p in (ROOT / "labs").rglob("*") if p.is_file()} if (ROOT / "labs").exists() else {}
        problems = []
        for rel in sorted(set(fresh) | set(committed)):
            if rel not in committed:
                problems.append(f"{rel}: generated from solutions/ but not committed (run: make labs)")
            elif rel not in fresh:
                problems.append(f"{rel}: committed but not generated from any solution (retired lab? remove it)")
            elif fresh[rel].read_bytes() != committed[rel].read_bytes():
                diff = difflib.unified_diff(
                    committed[rel].read_text().splitlines(), fresh[rel].read_text().splitlines(),
                    "committed", "regenerated", n=1, lineterm="",
                )
                snippet = "\n".join(list(diff)[:20])
                problems.append(f"{rel}: differs from what solutions/ generates (run: make labs)\n{snippet}")
    for p in problems:
        print(f"drift: {p}")
    print(f"drift: {len(ids)} labs regenerated, {len(problems)} differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
