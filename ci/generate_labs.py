"""Regenerate labs/ (student versions) from solutions/ with nbgrader: `make labs`
(or `python ci/generate_labs.py LAB...`).

Uses a scratch gradebook, so no gradebook.db is left behind. labs/ is never edited by hand.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, assignments, nbgrader, scratch_course  # noqa: E402 (sys.path set above)


def generate(dest_root: Path, only: list[str] | None = None) -> list[str]:
    """Generate every assignment (or those in ``only``) into dest_root/labs/ (dest_root must hold solutions/)."""
    ids = assignments(dest_root)
    if only:
        unknown = sorted(set(only) - set(ids))
        if unknown:
            raise SystemExit(f"no such lab in solutions/: {', '.join(unknown)} (labs: {', '.join(ids)})")
        ids = [a for a in ids if a in only]
    with tempfile.TemporaryDirectory() as tmp:
        for aid in ids:
            nbgrader(["generate_assignment", aid, "--force"], dest_root, Path(tmp) / "gradebook.db")
    return ids


def main(argv=None) -> int:
    only = list(sys.argv[1:] if argv is None else argv)  # lab ids; none: every lab
    with tempfile.TemporaryDirectory() as tmp:
        course = scratch_course(Path(tmp) / "course")
        ids = generate(course, only)
        for aid in ids:
            target = ROOT / "labs" / aid
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(course / "labs" / aid, target)
            print(f"labs/{aid}/ regenerated from solutions/{aid}/")
    if only:
        return 0
    stale = (
        sorted(p.name for p in (ROOT / "labs").iterdir() if p.is_dir() and p.name not in ids)
        if (ROOT / "labs").exists()
        else []
    )
    for name in stale:
        print(f"warning: labs/{name}/ has no source in solutions/; remove it if the lab was retired")
    return 0


if __name__ == "__main__":
    sys.exit(main())
