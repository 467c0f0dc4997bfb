"""Progress bars that render wherever the library runs.

``tqdm.auto`` draws a widget in Jupyter, but without ``ipywidgets`` (a plain ``pip install`` of the library, or a
kernel outside the ``course`` extra) it warns ``IProgress not found`` and draws nothing useful. Here the widget bar
is used only where it can be drawn, the text bar everywhere else.
"""

from __future__ import annotations


def tqdm(*args, **kwargs):
    """A progress bar: ``tqdm.auto``'s when ipywidgets is importable, ``tqdm.std``'s (text) otherwise."""
    try:
        import ipywidgets  # noqa: F401 (only its presence is tested: tqdm.auto needs it for a widget bar)
        from tqdm.auto import tqdm as bar
    except ImportError:
        from tqdm.std import tqdm as bar
    return bar(*args, **kwargs)
