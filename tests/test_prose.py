"""ci/prose.py: a lecture's markdown may state a result of its own run only next to a claim()/say() that checks it."""

import hygiene
import nbformat
import prose
import pytest
from conftest import ROOT


def write(tmp_path, cells, name="99_x.ipynb"):
    """A scratch lecture made of ("md" | "code", source) pairs."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(s) if kind == "md" else nbformat.v4.new_code_cell(s) for kind, s in cells]
    (tmp_path / "lectures").mkdir(exist_ok=True)
    path = tmp_path / "lectures" / name
    nbformat.write(nb, path)
    return path


CLIP = "Clipping helps most here, and the tighter clip helps a little more."
RUN = ("code", "loss = {'clip 1.0': 3.147, 'clip 0.3': 2.873}\nprint(loss)")


def test_flags_an_unchecked_result_sentence_with_notebook_cell_and_rule(tmp_path):
    path = write(tmp_path, [("md", "# Title"), RUN, ("md", "Some method.\n\n" + CLIP), ("code", "x = 1")])
    msgs = prose.problems(path, tmp_path)
    assert msgs == [f"lectures/99_x.ipynb: cell 2: [result+run] {CLIP}"]


@pytest.mark.parametrize(
    "sentence, rule",
    [
        ("You should see the loss fall faster with warmup.", "result+run"),
        ("The stabilised model ends lower over the high learning rates, as the plot below shows.", "result+run"),
        ("In our CPU smoke run the embedding LayerNorm made the run that already worked worse.", "result+run"),
        ("Read the three panels together: the loss falls fastest early.", "result+run"),
        ("Clipping at 0.3 ends at 2.873, lower than 3.147 without it.", "number+comparison"),
        ("Our run matches Wortsman et al. 2023 (Fig. 1).", "result+run"),
    ],
)
def test_result_sentences_are_flagged(sentence, rule):
    assert prose.rule_for(sentence) == rule, prose.explain(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "We sweep five rates from 3e-3 to 3e-1, with a warmup of 10% of the steps.",  # the method
        "PaLM restarted about 20 times around loss spikes (Chowdhery et al. 2022, §5.1).",  # cited
        "GPT-3 was trained on 300B tokens, far fewer than Chinchilla's 20 tokens per parameter.",  # cited
        "Lee et al. 2021 measured 10× less memorised text in models trained on deduplicated data.",  # cited
        "If the slopes above grow steeper instead, the fit cannot describe these runs.",  # a conditional
        "The table says whether each curve really opens upward.",  # points at a say() without stating it
        "Words are lower-cased with punctuation stripped.",
        "Below fp16's smallest normal number, 6.1e-5, values lose precision.",  # a property of the format
    ],
)
def test_method_citations_and_pointers_are_not_flagged(sentence):
    assert prose.rule_for(sentence) is None, prose.explain(sentence)


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize(
    "call",
    [
        "claim('the tighter clip helps', a < b, a=a, b=b)",
        "say(a < b, 'the tighter clip helps', 'it does not', a=a, b=b)",
    ],
)
def test_a_claim_or_say_in_the_adjacent_code_cell_accepts_the_cell(tmp_path, where, call):
    check = ("code", "from minirepro.claims import claim, say\na, b = 2.873, 3.147\n" + call)
    cells = (
        [("md", "# Title"), check, ("md", CLIP), RUN]
        if where == "before"
        else [("md", "# Title"), RUN, ("md", CLIP), check]
    )
    assert prose.problems(write(tmp_path, cells), tmp_path) == []


def test_a_check_two_code_cells_away_does_not_count(tmp_path):
    check = ("code", "say(a < b, 'helps', 'does not help')")
    path = write(tmp_path, [("md", "# Title"), check, RUN, ("md", CLIP), ("code", "x = 1")])
    assert len(prose.problems(path, tmp_path)) == 1
    assert prose.problems(
        write(tmp_path, [("md", "# T"), ("code", "# claim(...) in a comment\nessay('x')"), ("md", CLIP)]), tmp_path
    )  # neither a comment nor another name ending in 'say(' counts


def test_cited_published_results_are_accepted(tmp_path):
    cited = (
        "Chinchilla (70B) beats Gopher (280B) on most tasks at the same compute (Hoffmann et al. 2022, Table 6). "
        "OPT lowered its clip from 1.0 to 0.3 mid-run (Zhang et al. 2022, §2.2)."
    )
    assert prose.problems(write(tmp_path, [("md", "# Title"), RUN, ("md", cited), RUN]), tmp_path) == []


def test_the_escape_marker_needs_a_reason(tmp_path):
    ok = CLIP + "\n<!-- prose: describes the method, not a result -->"
    assert prose.problems(write(tmp_path, [("md", "# Title"), RUN, ("md", ok), RUN]), tmp_path) == []
    empty = CLIP + "\n<!-- prose: -->"
    msgs = prose.problems(write(tmp_path, [("md", "# Title"), RUN, ("md", empty), RUN]), tmp_path)
    assert len(msgs) == 1 and "[escape]" in msgs[0] and "needs a reason" in msgs[0]


def test_code_maths_and_comments_are_not_read():
    assert prose.sentences("Set `grad_clip=0.3` so the loss is lower here.") == ["Set CODE so the loss is lower here."]
    assert "MATH" in prose.sentences("We compare $10^{-4}$ and $10^{-2}$.")[0]
    assert prose.sentences("<!-- the loss is lower here -->Plain text.") == ["Plain text."]
    assert prose.sentences("Wortsman et al. 2023 (Fig. 1) saw it. Then we look.") == [
        "Wortsman et al. 2023 (Fig. 1) saw it.",
        "Then we look.",
    ]


def test_main_reports_and_fails(tmp_path, capsys):
    path = write(tmp_path, [("md", "# Title"), RUN, ("md", CLIP)])
    assert prose.main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "[result+run]" in out and "claim()" in out
    clean = write(tmp_path, [("md", "# Title"), RUN, ("md", "We sweep five rates.")], name="98_y.ipynb")
    assert prose.main([str(clean)]) == 0


def test_hygiene_runs_the_prose_lint_on_lectures_only(tmp_path, monkeypatch, capsys):
    lecture = write(tmp_path, [("md", "# Title"), RUN, ("md", CLIP)])
    (tmp_path / "solutions" / "99_x").mkdir(parents=True)
    solution = tmp_path / "solutions" / "99_x" / "99_x.ipynb"
    solution.write_bytes(lecture.read_bytes())
    monkeypatch.setattr(hygiene, "all_notebooks", lambda: [lecture, solution])
    monkeypatch.setattr(hygiene, "notebook_problems", lambda paths: [])  # the other conventions are tested elsewhere
    monkeypatch.setattr(hygiene, "ROOT", tmp_path)
    monkeypatch.setattr(hygiene, "ruff_problems", lambda: [])  # tested in test_ci_scripts.py
    assert hygiene.main() == 1
    out = capsys.readouterr().out
    assert "lectures/99_x.ipynb: cell 2: [result+run]" in out and "solutions/" not in out


LECTURES = sorted(p.name for p in (ROOT / "lectures").glob("*.ipynb"))
# Lectures not yet converted to the convention (issue 11 §2). Strict: a lecture that passes must leave this set.
PENDING = set()


@pytest.mark.parametrize("name", LECTURES)
def test_lectures_state_only_checked_results(name, request):
    if name in PENDING:
        request.applymarker(pytest.mark.xfail(strict=True, reason="not yet converted to claim()/say()"))
    assert prose.problems(ROOT / "lectures" / name) == []
