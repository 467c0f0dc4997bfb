import math

import pytest

from minirepro.stability import lr_sensitivity


def test_lr_sensitivity_matches_the_definition():
    assert lr_sensitivity([2.0, 2.0], 5.5) == 0
    assert math.isclose(lr_sensitivity([3.0, 2.5, 2.8], 5.5), (0.5 + 0 + 0.3) / 3)


def test_lr_sensitivity_counts_diverged_and_worse_runs_as_the_initial_loss():
    got = lr_sensitivity([2.0, float("nan"), 7.0, float("inf")], 5.5)
    assert math.isclose(got, (0 + 3.5 + 3.5 + 3.5) / 4)
    assert lr_sensitivity([float("nan")], 5.5) == 0


def test_lr_sensitivity_needs_a_sweep():
    with pytest.raises(ValueError):
        lr_sensitivity([], 5.5)
