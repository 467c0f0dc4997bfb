"""Prose lint: a lecture's markdown must not state a result of its own run unless the numbers check it.

The convention (issue 11 §2, ``minirepro.claims``): every sentence that states a measured result of the
notebook's own run -- a sign, an order, "helps", "diverges", a number the run printed, or a prediction to the
reader ("you should see the loss fall") -- is either generated from the numbers by ``say(...)`` or asserted
by ``claim(...)`` in the code cell right before or right after the markdown cell that states it.

The lint is a heuristic over sentences. A sentence is flagged when it

* ``result+run``: uses a result word (helps, hurts, diverges, spikes, recovers, lower, faster, better,
  beats, matches, larger, ...) together with a reference to this notebook's run (above, below, here, this
  run, our ..., we see, you should see, expect, the plot, the table, printed, measured, in smoke, ...); or
* ``number+comparison``: puts a plain number next to a comparison (than, vs, lower, ``×``, ...) without
  citing where the number comes from;

and neither of the nearest code cells (the one before the markdown cell and the one after it) calls
``claim(`` or ``say(``. Sentences that cite a published result (``et al.``, a year, ``§``, a table or figure
of a paper) are accepted unless they also point at this run ("our run matches Wortsman et al."). Inline
code, LaTeX and link targets are ignored.

When a flag is a true false positive (the sentence describes the method, or restates a published figure in
words the patterns miss), put an HTML comment with the reason in that markdown cell::

    <!-- prose: describes the method, not a result -->
    <!-- prose: cited: Brown et al. 2020, Table 2.1 -->

The comment is invisible in the rendered notebook; the reason is required, and it covers the whole cell.

Run: ``python ci/prose.py [notebooks...]`` (default: every lecture). ``ci/hygiene.py`` runs it on lectures.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

ESCAPE_RE = re.compile(r"<!--\s*prose:(?P<reason>.*?)-->", re.DOTALL)
CHECK_CALL_RE = re.compile(r"(?<![\w.])(?:claims\.)?(?:claim|say)\s*\(")

# Words that state an outcome: a sign, an order, a change.
RESULT_RE = re.compile(
    r"\b(?:"
    r"help(?:s|ed)?|hurt(?:s)?|diverg(?:e|es|ed|ing)|spik(?:e|es|ed)|recover(?:s|ed)?|"
    r"rescue(?:s|d)?|fail(?:s|ed)|stall(?:s|ed)?|collaps(?:e|es|ed)|"
    r"lower|higher|faster|slower|better|worse|larger|smaller|bigger|cheaper|"
    r"lowest|highest|fastest|slowest|best|worst|largest|smallest|"
    r"beat(?:s)?|outperform(?:s|ed)?|match(?:es|ed)?|agree(?:s|d)?|disagree(?:s|d)?|"
    r"improv(?:e|es|ed)|grow(?:s)?|grew|shrink(?:s)?|shrank|drop(?:s|ped)?|fall(?:s)?|fell|ris(?:e|es)|rose|"
    r"exceed(?:s|ed)?|overflow(?:s|ed)?|underflow(?:s|ed)?|"
    r"wins?|won|loses|lost|costs|saves|reach(?:es|ed)|ends|ended|stays|stayed|"
    r"more than|less than|fewer than|close to|closer|(?:is|are|stay|stays|ends?) close|further|"
    r"as (?:good|well|fast) as|twice|"
    r"the same (?:sign|shape|order|ranking)|flat|identical|(?:changes|matters|differs) (?:little|nothing|much)"
    r")\b(?!-)",
    re.IGNORECASE,
)

# References to this notebook's own run: where the reader sees it, or who measured it.
RUN_RE = re.compile(
    r"\b(?:"
    r"(?:printed|shown|plotted|listed|computed|plot|plots|table|tables|cell|cells|curve|curves|figure|numbers|"
    r"line|lines|sweep|run|runs|panel|panels|chart|histogram|output|bars|columns?)\s+(?:just\s+|right\s+)?(?:above|below)|"
    r"(?:see|as|compare) (?:above|below)|(?:above|below)(?=:)|"
    r"here|this (?:run|sweep|fit|model|crawl|corpus|notebook)|these (?:runs|models|fits|numbers)|"
    r"our (?:\w+ )?(?:run|runs|model|models|numbers|sweep|sweeps|fit|fits|result|results|miniature|measurement|"
    r"measurements|classifier|filter|filters|loss|losses|curve|curves|scores|estimate|estimates)|"
    r"we (?:see|get|find|found|measure|measured|observe|observed|saw|got)|"
    r"you(?:'ll| will| should| can| may| might)? (?:see|notice|find|get|watch)|"
    r"(?:you|we) (?:should |would |will |can |might )?expect|"
    r"the (?:\w+ )?(?:plot|plots|panel|panels|table|curve|curves|chart|bars|histogram|histograms|numbers|printout)|"
    r"(?:model|models|run|runs) this (?:small|short|tiny|size)|at this (?:learning rate|LR)|"
    r"printed|prints|in smoke|smoke run|cpu smoke|at this (?:size|scale)|in miniature"
    r")\b",
    re.IGNORECASE,
)

# A measured-looking number (a decimal, a percentage or a ratio; not a year, a count, a section or a name
# such as "GPT-3" or "Approach 3") and a comparison in the same sentence.
NUMBER_RE = re.compile(r"(?<![\w§.\-])(?:\d+\.\d+(?:e[-+]?\d+)?|\d+(?:\.\d+)?\s*(?:%|×))(?![\w.]\d)")
COMPARE_RE = re.compile(
    r"\b(?:than|vs\.?|versus|lower|higher|faster|slower|better|worse|larger|smaller)\b(?!-)",
    re.IGNORECASE,
)

# A citation of published work: then the sentence reports their result, not ours.
CITE_RE = re.compile(
    r"\bet al\b|\b(?:19|20)\d\d\b|§\s*\d|\b(?:Table|Tab\.|Fig\.|Figure|App\.|Appendix|Eq\.|Section)\s*[\dA-Z]"
    r"|\blogbook\b|\b(?:paper|papers|model card|reports?|reported|published)\b"
    r"|\b(?:GPT-[234]|OPT|PaLM|BLOOM|Chinchilla|Gopher|LLaMA|Llama|Pythia|Kaplan|Wortsman|Hoffmann|Brown|"
    r"FineWeb|Megatron|MT-NLG|Jurassic|GLM|Epoch AI|DeepMind|OpenAI)\b",
)
# ...unless the sentence also points at this run in so many words ("our run matches Wortsman et al.").
OWN_RUN_RE = re.compile(
    r"\b(?:our (?:\w+ )?(?:run|runs|model|models|numbers|sweep|sweeps|fit|fits|result|results|measurement|"
    r"measurements|miniature|smoke|loss|losses|curve|curves)|this run|these runs|in smoke|smoke run|cpu smoke|"
    r"we (?:see|get|find|found|measure|measured|observe|observed|saw|got)|you(?:'ll| will| should)? see|printed)\b",
    re.IGNORECASE,
)

# A sentence that only says what would follow from a result ("If the slopes grow steeper, ...") states none.
# Nor does one that points at where a result is printed without stating it ("The table says whether ...").
CONDITIONAL_RE = re.compile(
    r"^\W*(?:if|whether|whichever|suppose|which)\b|\b(?:says?|shows?|tells?|prints?|printed) (?:whether|which)\b",
    re.IGNORECASE,
)

ABBREVIATIONS = ("et al.", "e.g.", "i.e.", "cf.", "vs.", "Fig.", "Eq.", "App.", "Tab.", "approx.", "resp.", "No.")


def _mask(md: str) -> str:
    """Markdown with what the lint must not read removed: comments, code, maths, link targets, images."""
    md = re.sub(r"<!--.*?-->", " ", md, flags=re.DOTALL)
    md = re.sub(r"```.*?```", " ", md, flags=re.DOTALL)
    md = re.sub(r"`[^`\n]*`", "CODE", md)
    md = re.sub(r"\$\$.*?\$\$", " MATH ", md, flags=re.DOTALL)
    md = re.sub(r"\$[^$\n]*\$", "MATH", md)
    md = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", md)
    md = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md)
    md = re.sub(r"https?://\S+", "URL", md)
    md = re.sub(r"[*_]{1,2}(?=\w)|(?<=\w)[*_]{1,2}", "", md)
    return md


def sentences(md: str) -> list[str]:
    """The sentences of a markdown cell, after masking; list items, headings and table rows stand alone."""
    text = _mask(md)
    out = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)|\n(?=\s*#)|\n(?=\s*\|)", text):
        block = " ".join(block.split())
        if not block or re.fullmatch(r"\|?[\s|:-]*", block):
            continue
        for i, abbr in enumerate(ABBREVIATIONS):
            block = block.replace(abbr, f"\0{i}\0")
        for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z(\"'“])", block):
            for i, abbr in enumerate(ABBREVIATIONS):
                piece = piece.replace(f"\0{i}\0", abbr)
            piece = piece.strip()
            if piece:
                out.append(piece)
    return out


def rule_for(sentence: str) -> str | None:
    """The rule a sentence breaks when no claim/say checks it, or None."""
    if CONDITIONAL_RE.search(sentence):
        return None
    if CITE_RE.search(sentence) and not OWN_RUN_RE.search(sentence):
        return None
    if RESULT_RE.search(sentence) and RUN_RE.search(sentence):
        return "result+run"
    if COMPARE_RE.search(sentence) and NUMBER_RE.search(sentence):
        return "number+comparison"
    return None


def explain(sentence: str) -> dict:
    """Which words made the lint flag (or pass) a sentence: for tuning and for the tests."""
    found = {}
    for name, rx in (
        ("result", RESULT_RE),
        ("run", RUN_RE),
        ("number", NUMBER_RE),
        ("compare", COMPARE_RE),
        ("cite", CITE_RE),
        ("own_run", OWN_RUN_RE),
        ("conditional", CONDITIONAL_RE),
    ):
        m = rx.search(sentence)
        if m:
            found[name] = m.group()
    return found


def _code_without_comments(source: str) -> str:
    """Python source with its comments dropped (a ``# claim(...)`` in a comment checks nothing)."""
    try:
        toks = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type != tokenize.COMMENT]
        return tokenize.untokenize(toks)
    except (tokenize.TokenError, IndentationError, SyntaxError):  # IPython magics and the like: a rougher cut
        return re.sub(r"#[^\n]*", "", source)


def _checks(cell) -> bool:
    """Whether a code cell calls claim( or say( (minirepro.claims)."""
    return (
        cell is not None
        and cell.cell_type == "code"
        and bool(CHECK_CALL_RE.search(_code_without_comments(cell.source)))
    )


def _nearest_code(cells, i: int, step: int):
    j = i + step
    while 0 <= j < len(cells):
        if cells[j].cell_type == "code":
            return cells[j]
        j += step
    return None


def problems(path, root: Path = ROOT) -> list[str]:
    """Every unchecked result sentence of one notebook, as 'path: cell N: [rule] sentence' messages."""
    path = Path(path)
    try:
        rel = path.resolve().relative_to(root).as_posix()
    except ValueError:
        rel = str(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any failure to read: reported as a problem
        return [f"{rel}: cannot be read as a notebook ({exc})"]
    out = []
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        escapes = [m["reason"].strip() for m in ESCAPE_RE.finditer(cell.source)]
        if any(not r for r in escapes):
            out.append(
                f"{rel}: cell {i}: [escape] '<!-- prose: -->' needs a reason, e.g. "
                "'<!-- prose: cited: Brown et al. 2020, Table 2.1 -->'"
            )
            continue
        if escapes:
            continue
        if _checks(_nearest_code(cells, i, -1)) or _checks(_nearest_code(cells, i, +1)):
            continue
        for sentence in sentences(cell.source):
            rule = rule_for(sentence)
            if rule:
                shown = sentence if len(sentence) <= 200 else sentence[:197] + "..."
                out.append(f"{rel}: cell {i}: [{rule}] {shown}")
    return out


HINT = (
    "prose: a markdown sentence states a result of this notebook's own run with no claim()/say() in the code "
    "cell before or after it. Generate it with say(...) or assert it with claim(...) (minirepro.claims); if it "
    "is not a result of this run, add '<!-- prose: <reason> -->' to the markdown cell."
)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or sorted((ROOT / "lectures").glob("*.ipynb"))
    found = [msg for p in paths for msg in problems(p)]
    for msg in found:
        print(f"prose: {msg}")
    if found:
        print(HINT)
    print(f"prose: {len(paths)} notebooks checked, {len(found)} unchecked result sentences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
