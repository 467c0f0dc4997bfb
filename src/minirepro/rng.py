"""Random draws that are the same on every Python version and platform, from ``random.Random.random()`` alone.

Python documents the sequence of ``Random(seed).random()`` for an integer seed as reproducible across
versions ("Notes on reproducibility" in the ``random`` module) and promises nothing about ``randrange``,
``choice`` or ``shuffle``. Every draw here is derived from ``random()`` with one correctly rounded IEEE-754
operation, so the course's generated data (the fictional world, the crawl, the benchmarks, the batches)
come out byte-identical everywhere.
"""

from __future__ import annotations

import random


def uniform_int(rng: random.Random, n: int) -> int:
    """An int in ``[0, n)``, each with probability 1/n (to within n / 2**53), from ``rng.random()``.

    ``rng.random()`` is k / 2**53 for a 53-bit k, a sequence Python guarantees across versions;
    ``u * n`` is one correctly rounded IEEE-754 multiplication, so the result is the same on every
    platform. (``randrange`` and ``choice`` carry no such guarantee.)
    """
    if n < 1:
        raise ValueError(f"n must be >= 1; got {n}")
    return min(int(rng.random() * n), n - 1)


def shuffled(rng: random.Random, items) -> list:
    """A new list with ``items`` in a uniformly random order (Fisher-Yates on ``uniform_int``)."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = uniform_int(rng, i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def pick(rng: random.Random, options):
    """One of ``options`` (a sequence), each equally likely: ``choice`` with the guarantee above."""
    return options[uniform_int(rng, len(options))]
