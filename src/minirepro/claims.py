"""Sentences about measured results, tied to the numbers they describe.

A lecture that says "the tighter clip helps" must not be able to print numbers that say otherwise. Every
sentence that states a measured result (a sign, an order, "helps", "diverges") is either

* generated from the numbers: ``say(a < b, "clipping helps", "clipping does not help", a=a, b=b)`` prints
  whichever sentence the numbers support, with the numbers; or
* asserted against them: ``claim("clipping helps", a < b, a=a, b=b)`` prints the sentence with its numbers when
  they support it and fails the notebook run (``ClaimFailed``) when they do not, in smoke and in full alike.

CI's hygiene step looks for markdown sentences that state a result of the notebook's own run without such a
check nearby (``ci/prose.py``).
"""

from __future__ import annotations

import math

from .checks import is_real

__all__ = ["ClaimFailed", "claim", "say"]


class ClaimFailed(AssertionError):
    """A sentence the notebook states about its own measurements is contradicted by them."""


def _fmt(value) -> str:
    if not is_real(value):
        return repr(value) if isinstance(value, str) else str(value)
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
        return f"{value:.3e}"
    return f"{value:.4g}"


def _numbers(numbers: dict) -> str:
    return ", ".join(f"{k} = {_fmt(v)}" for k, v in numbers.items())


def _check_sentence(sentence, name: str) -> str:
    if not isinstance(sentence, str) or not sentence.strip():
        raise TypeError(f"{name} must be a non-empty sentence (a str), got {sentence!r}")
    return sentence.strip()


def claim(sentence: str, holds, **numbers) -> str:
    """State ``sentence`` if ``holds`` is true (printed with ``numbers``); raise ``ClaimFailed`` if it is not.

    ``holds`` is the condition the sentence asserts, computed from the numbers (``loss_clip < loss_none``);
    ``numbers`` are shown so that a reader sees what the sentence rests on. Returns the printed line.
    """
    sentence = _check_sentence(sentence, "sentence")
    if not isinstance(holds, bool):
        try:  # numpy / torch booleans
            holds = bool(holds.item()) if hasattr(holds, "item") else holds
        except (TypeError, ValueError, RuntimeError):
            pass
    if not isinstance(holds, bool):
        raise TypeError(f"claim({sentence!r}, holds=...) needs a bool computed from the numbers, got {holds!r}")
    shown = _numbers(numbers)
    if not holds:
        raise ClaimFailed(
            f"this notebook says {sentence!r}, but its own numbers disagree"
            + (f" ({shown})" if shown else "")
            + ": the run no longer shows the lesson; check the sizes, the seed, or the sentence"
        )
    line = sentence + (f" ({shown})" if shown else "")
    print(line)
    return line


def say(condition, if_true: str, if_false: str, **numbers) -> str:
    """Print whichever of two sentences the numbers support, with the numbers; return it.

    For results that may honestly go either way at a small scale ("at this size, qk-norm does / does not
    change the final loss by more than the seed-to-seed spread").
    """
    if_true = _check_sentence(if_true, "if_true")
    if_false = _check_sentence(if_false, "if_false")
    if hasattr(condition, "item"):
        condition = condition.item()
    if not isinstance(condition, bool):
        raise TypeError(f"say(condition, ...) needs a bool computed from the numbers, got {condition!r}")
    shown = _numbers(numbers)
    line = (if_true if condition else if_false) + (f" ({shown})" if shown else "")
    print(line)
    return line
