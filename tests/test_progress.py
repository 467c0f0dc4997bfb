"""Progress bars render without the course extra: no 'IProgress not found' warning when ipywidgets is missing."""

import sys
import warnings

import tqdm.std

from minirepro import progress


def test_a_text_bar_without_ipywidgets(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` now raises ImportError
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # TqdmWarning would fail the test
        bar = progress.tqdm(range(3), disable=True)
        assert type(bar) is tqdm.std.tqdm
        assert list(bar) == [0, 1, 2]
