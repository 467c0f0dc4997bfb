"""GPT-3's Pareto sampling in the library (lecture 02 uses it; lab 02 asks for it and switches it off while grading)."""

import numpy as np

from minirepro import filtering


def test_keep_probability_is_the_lomax_tail():
    s = np.linspace(0, 1, 11)
    for alpha in (1.0, 3.0, 9.0):
        draws = np.random.default_rng(0).pareto(alpha, size=(400_000, 1))
        assert np.allclose((draws > 1 - s).mean(axis=0), filtering.keep_probability(s, alpha), atol=0.005)
    assert filtering.keep_probability(1.0) == 1.0 and np.isclose(filtering.keep_probability(0.0), 2.0**-9)


def test_pareto_keep_is_one_draw_per_document_in_order():
    scores = np.random.default_rng(1).random(1000)
    want = np.random.default_rng(7).pareto(3.0, size=1000) > 1 - scores
    got = filtering.pareto_keep(scores, 3.0, seed=7)
    assert got.dtype == bool and (got == want).all()
    assert (filtering.pareto_keep(scores, seed=7) == filtering.pareto_keep(list(scores), 9.0, 7)).all()
