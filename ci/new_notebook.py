"""Start a notebook that already follows the conventions:
python ci/new_notebook.py lectures/02_data.ipynb "02 · Data"."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbconventions import ROOT, header_cells, repo_config  # noqa: E402 (sys.path set above)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("path", help="path relative to the repository root")
    p.add_argument("title")
    p.add_argument("--goal", action="append", default=[], help="a learning goal (repeatable)")
    p.add_argument("--time", default="CPU smoke: ~1 min; GPU full: ~5 min")
    args = p.parse_args(argv)
    path = ROOT / args.path
    if path.exists():
        print(f"{args.path} exists; not overwriting", file=sys.stderr)
        return 1
    repo, branch = repo_config()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = header_cells(Path(args.path).as_posix(), args.title, args.goal or ["..."], args.time, repo, branch)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
