"""Lectures show, labs ask: no lecture contains the code of a lab answer.

Every answer region of every solution (the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``) is
compared with the code cells of every lecture, token by token, with what a copy would change normalised away:
whitespace, comments, string contents, and the names of variables and functions (``n_params`` and ``N`` are the
same token; an attribute such as ``.sqrt`` keeps its name, so ``math.sqrt(2 * a * b)`` and ``np.exp(a * b)`` differ).

A lecture copies an answer when it contains

* the whole answer region, when the region has at least ``MIN_WHOLE`` tokens (a one-line formula such as
  ``6 * n * d`` is a fact a lecture may state; a function body is not), or
* any run of ``WINDOW`` consecutive tokens of a longer region.

``python ci/copies.py`` lists the copies and exits 1 if there is any; tests/test_copies.py runs it on the course.
"""

from __future__ import annotations

import keyword
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT  # noqa: E402 (sys.path set above)

MIN_WHOLE = 10
WINDOW = 25

_TOKEN = re.compile(
    r"""
    (?P<str>(?:[rRbBuUfF]{1,2})?(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
  | (?P<com>\#[^\n]*)
  | (?P<num>\d[\w.]*(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_]\w*)
  | (?P<op>\*\*=?|//=?|==|!=|<=|>=|->|:=|[-+*/%@&|^]=|[-+*/%@<>=()\[\]{},:.;&|^~])
""",
    re.VERBOSE,
)
_MARKER = re.compile(r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")


def tokens(code: str) -> list[str]:
    """The normalised tokens of a piece of Python (IPython magics and shell lines dropped)."""
    code = "\n".join(line for line in textwrap.dedent(code).splitlines() if not line.lstrip().startswith(("%", "!")))
    out: list[str] = []
    for m in _TOKEN.finditer(code):
        kind, text = m.lastgroup, m.group()
        if kind == "com":
            continue
        if kind == "str":
            out.append("STR")
        elif kind == "name":
            attribute = bool(out) and out[-1] == "."
            out.append(text if keyword.iskeyword(text) or attribute else "NAME")
        else:
            out.append(text)
    return out


def answer_regions(nb) -> list[tuple[str, str]]:
    """(grade_id, code) of every ``### BEGIN SOLUTION`` region in the notebook's answer cells."""
    regions = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("solution"):
            continue
        inside, lines = False, []
        for line in cell.source.splitlines():
            m = _MARKER.match(line)
            if m and m[2] == "SOLUTION":
                if m[1] == "BEGIN":
                    inside, lines = True, []
                else:
                    inside = False
                    regions.append((meta.get("grade_id", "?"), "\n".join(lines)))
            elif inside:
                lines.append(line)
    return regions


def _contains(hay: list[str], needle: list[str]) -> bool:
    n = len(needle)
    if n == 0 or n > len(hay):
        return False
    first = needle[0]
    return any(hay[i] == first and hay[i : i + n] == needle for i in range(len(hay) - n + 1))


def copied(answer: str, lecture_code: str) -> str | None:
    """Why ``lecture_code`` copies ``answer`` (None when it does not)."""
    a, hay = tokens(answer), tokens(lecture_code)
    if len(a) >= MIN_WHOLE and _contains(hay, a):
        return f"the whole answer ({len(a)} tokens)"
    if len(a) > WINDOW:
        hay_windows = {tuple(hay[i : i + WINDOW]) for i in range(len(hay) - WINDOW + 1)}
        for i in range(len(a) - WINDOW + 1):
            if tuple(a[i : i + WINDOW]) in hay_windows:
                return f"{WINDOW} consecutive tokens of the answer, from token {i}"
    return None


@dataclass
class Copy:
    lab: str
    answer: str
    lecture: str
    cell: int
    why: str

    def __str__(self):
        return f"{self.lecture} cell {self.cell} contains the code of {self.lab}'s answer {self.answer!r}: {self.why}"


def find_copies(root: Path = ROOT) -> list[Copy]:
    lectures = {p: nbformat.read(p, as_version=4) for p in sorted((root / "lectures").glob("*.ipynb"))}
    found = []
    for sol in sorted((root / "solutions").glob("*/*.ipynb")):
        for gid, code in answer_regions(nbformat.read(sol, as_version=4)):
            for path, lecture in lectures.items():
                for i, cell in enumerate(lecture.cells):
                    if cell.cell_type == "code":
                        why = copied(code, cell.source)
                        key = (sol.parent.name, gid, str(path.relative_to(root)), i)
                        if why and key not in {(c.lab, c.answer, c.lecture, c.cell) for c in found}:
                            found.append(Copy(*key, why))
    return found


def main() -> int:
    found = find_copies()
    for c in found:
        print(f"copies: {c}")
    print(f"copies: {len(found)} lecture cells contain a lab answer")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
