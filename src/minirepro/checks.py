"""Argument checks the library shares, so that "a positive int" means one thing and reads one way everywhere.

Each check returns the value it accepted, or raises ``ValueError`` naming the argument, what it must be
and what it got. ``True`` and ``False`` are ints to Python but never a count or a seed here.
"""

from __future__ import annotations

import math
from numbers import Real


def is_int(value) -> bool:
    """An int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_real(value) -> bool:
    """A real number (int, float, numpy scalar) that is not a bool."""
    return isinstance(value, Real) and not isinstance(value, bool)


def int_at_least(name: str, value, low: int, what: str | None = None) -> int:
    """``value`` if it is an int >= ``low``; else a ValueError that says ``name must be <what>``."""
    if not is_int(value) or value < low:
        raise ValueError(f"{name} must be {what or f'an int >= {low}'}; got {value!r}")
    return value


def positive_int(name: str, value) -> int:
    """An int >= 1: a count, a size, a length."""
    return int_at_least(name, value, 1, "a positive int")


def non_negative_int(name: str, value) -> int:
    """An int >= 0: a seed, an index, a number of examples that may be zero."""
    return int_at_least(name, value, 0, "a non-negative int")


def seed(value, name: str = "seed") -> int:
    """A seed: a non-negative int (every generator in the course takes one)."""
    return non_negative_int(name, value)


def positive_number(name: str, value, what: str = "a positive number") -> float:
    """A finite real number > 0 (a budget, a rate, a coefficient)."""
    if not is_real(value) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be {what}; got {value!r}")
    return value
