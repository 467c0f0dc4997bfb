"""Point every Colab badge and setup cell at the public repository: `make set-repo REPO=owner/name`.

The address lives in one place, ``[tool.minirepro] repository`` in pyproject.toml. This script writes
it there and rewrites every notebook's badge and ``COURSE_REPO`` line from it (labs are regenerated
by `make labs` afterwards, so they follow their solutions). Without an argument it only resyncs.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbconventions import BADGE_RE, REPO_LINE_RE, ROOT, all_notebooks, badge, repo_config  # noqa: E402 (sys.path set above)

REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def set_repository(repo: str, root: Path = ROOT) -> None:
    if not REPO_RE.match(repo):
        raise SystemExit(f"REPO must look like owner/name (a GitHub repository), got {repo!r}")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    new, n = re.subn(r'(?m)^repository = "[^"]*"', f'repository = "{repo}"', text)
    if n != 1:
        raise SystemExit("pyproject.toml: expected exactly one 'repository = \"...\"' line under [tool.minirepro]")
    pyproject.write_text(new)


def sync(root: Path = ROOT) -> int:
    repo, branch = repo_config(root)
    changed = 0
    for path in all_notebooks(root):
        if path.parts[len(root.parts)] == "labs":
            continue  # generated from solutions by `make labs`
        nb = nbformat.read(path, as_version=4)
        rel = path.relative_to(root).as_posix()
        before = [c.source for c in nb.cells]
        if nb.cells and nb.cells[0].cell_type == "markdown":
            nb.cells[0].source = BADGE_RE.sub(badge(rel, repo, branch), nb.cells[0].source)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = REPO_LINE_RE.sub(f'COURSE_REPO = "{repo}"', cell.source)
        if [c.source for c in nb.cells] != before:
            nbformat.write(nb, path)
            changed += 1
            print(f"set-repo: updated {rel}")
    return changed


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        set_repository(argv[0])
    n = sync()
    print(f"set-repo: {n} notebooks updated for {repo_config()[0]}; now run `make labs` to regenerate labs/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
