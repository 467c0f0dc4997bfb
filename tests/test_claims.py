"""minirepro.claims: a sentence about a measured result is printed only when the numbers support it."""

import numpy as np
import pytest
import torch

from minirepro.claims import ClaimFailed, claim, say


def test_claim_prints_the_sentence_with_its_numbers(capsys):
    line = claim("clipping at 0.3 ends lowest", 2.873 < 3.147, clip_03=2.873, clip_1=3.147)
    assert line == "clipping at 0.3 ends lowest (clip_03 = 2.873, clip_1 = 3.147)"
    assert capsys.readouterr().out.strip() == line


def test_a_contradicted_claim_fails_the_run_and_names_the_numbers():
    with pytest.raises(ClaimFailed, match=r"the tighter clip helps.*clip_03 = 3.2, clip_1 = 3.147"):
        claim("the tighter clip helps", 3.2 < 3.147, clip_03=3.2, clip_1=3.147)
    assert issubclass(ClaimFailed, AssertionError)  # papermill reports it as a failed cell


def test_claim_takes_numpy_and_torch_booleans_but_not_numbers():
    claim("numpy agrees", np.float64(1.0) < np.float64(2.0))
    claim("torch agrees", torch.tensor(1.0) < torch.tensor(2.0))
    with pytest.raises(ClaimFailed):
        claim("torch disagrees", torch.tensor(3.0) < torch.tensor(2.0))
    with pytest.raises(TypeError, match="needs a bool"):
        claim("a number is not a condition", 0.5)
    with pytest.raises(TypeError, match="non-empty sentence"):
        claim("  ", True)


def test_say_picks_the_sentence_the_numbers_support(capsys):
    assert say(0.1 > 0.05, "qk-norm helps", "qk-norm does not help", gap=0.1) == "qk-norm helps (gap = 0.1)"
    assert say(0.01 > 0.05, "qk-norm helps", "qk-norm does not help") == "qk-norm does not help"
    assert capsys.readouterr().out.splitlines() == ["qk-norm helps (gap = 0.1)", "qk-norm does not help"]
    with pytest.raises(TypeError):
        say("yes", "a", "b")


def test_numbers_are_shown_readably():
    line = claim("formats", True, big=3.14e23, small=1e-5, whole=12, name="bf16", flag=True, nan=float("nan"))
    assert line == "formats (big = 3.140e+23, small = 1.000e-05, whole = 12, name = 'bf16', flag = True, nan = nan)"
