"""GPT-3's quality sampling (Brown et al. 2020, App. A), for module 02.

GPT-3 scored every Common Crawl document with a logistic-regression classifier (curated corpora against raw
Common Crawl) and kept a document iff ``np.random.pareto(alpha) > 1 - score``, with ``alpha = 9``. Lab 02 asks
students to write both functions below; its hidden tests switch these versions off while an answer runs, and
lecture 02 uses them as a black box. (They live outside :mod:`minirepro.crawl`, whose generator must not
touch numpy: see ``tests/test_crawl.py``.)
"""

from __future__ import annotations

import numpy as np


def keep_probability(score, alpha: float = 9.0):
    """P(keep) of a document scored ``score`` under GPT-3's rule (elementwise on arrays).

    numpy's ``pareto(alpha)`` draws from the Lomax distribution, whose tail is P(X > t) = (1 + t) ** -alpha
    for t >= 0; so P(X > 1 - score) = (2 - score) ** -alpha."""
    return (2.0 - np.asarray(score, dtype=float)) ** -float(alpha)


def pareto_keep(scores, alpha: float = 9.0, seed: int = 0) -> np.ndarray:
    """GPT-3's sampling: True where the i-th draw of ``np.random.default_rng(seed).pareto(alpha, len(scores))``
    exceeds ``1 - scores[i]`` (one draw per document, in order)."""
    draws = np.random.default_rng(seed).pareto(alpha, size=len(scores))
    return draws > 1.0 - np.asarray(scores, dtype=float)
