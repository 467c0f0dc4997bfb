"""Switch off the library's finished versions of what a lab asks, while a submission is graded.

The course library must keep some lab answers in finished form (the engine needs FLOPs per token for MFU, the
lectures use the evaluation functions). A lab lists them in its solution notebook's metadata::

    "minirepro": {"forbidden": ["minirepro.evaluate.loglik", "minirepro.measure.flops_per_token"]}

and the grader (the judge's worker, the sandboxed nbgrader kernel, CI's cheap path) calls :func:`install` before
the submission's first cell. Each name is replaced, in every ``minirepro`` module that holds it, by a guard:

* called from the library's own code (``minirepro.train`` using ``flops_per_token``), it runs the original;
* called from anywhere else (the student's answer, a notebook cell) it raises :class:`WriteThisYourself`.

So a one-line wrapper around the library earns nothing, while the library keeps working for everything else.
:func:`intact` tells the audit whether the guards are still in place after the submission ran.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys

_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../minirepro
_PKG_REAL = os.path.realpath(_PKG)
_GUARDS: dict[str, object] = {}  # dotted name -> guard
#: Code file names whose calls pass (empty while grading a submission; CI's cheap path runs the instructor's
#: tests beside the answers and compiles them under such a name).
ALLOWED_FILES: set[str] = set()


class WriteThisYourself(RuntimeError):
    """A lab answer called the library's finished version of what the question asks."""


def forbidden_names(nb) -> list[str]:
    """The names a lab's solution notebook forbids (``metadata.minirepro.forbidden``)."""
    names = nb.get("metadata", {}).get("minirepro", {}).get("forbidden", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n.startswith("minirepro.") for n in names):
        raise ValueError("metadata.minirepro.forbidden must be a list of dotted names under minirepro.")
    return list(names)


def _in_library(frame) -> bool:
    if frame is None:
        return False
    name = frame.f_code.co_filename
    if name in ALLOWED_FILES:
        return True
    return name.startswith((_PKG + os.sep, _PKG_REAL + os.sep)) and os.sep + "grading" + os.sep not in name


def _message(dotted: str) -> str:
    return (
        f"{dotted} is the library's finished version of what this question asks you to write; it is "
        "switched off while grading. Write it yourself (you may still use the rest of the library)."
    )


def _guard(dotted: str, original):
    @functools.wraps(original)
    def guard(*args, **kwargs):
        if not _in_library(sys._getframe(1)):
            raise WriteThisYourself(_message(dotted))
        return original(*args, **kwargs)

    del guard.__wrapped__  # the original is not one attribute away
    guard._minirepro_forbidden = dotted
    return guard


def guarded_name(obj) -> str | None:
    """The forbidden name ``obj`` is (a guard, or a class whose ``__init__`` is guarded), or None: an answer that
    merely re-exports the library's version (``from minirepro.x import f``) is caught by this, even where the
    caller check would let the call through (CI's cheap path lets the instructor's tests call the library)."""
    if isinstance(obj, type):
        obj = obj.__dict__.get("__init__")
    name = getattr(obj, "_minirepro_forbidden", None)
    return name if isinstance(name, str) and _GUARDS.get(name) is obj else None


def install(names: list[str]) -> list[str]:
    """Guard every name in ``names`` (dotted, under ``minirepro.``); returns the names guarded.

    A function is replaced wherever a ``minirepro`` module holds it. A class keeps its identity (``isinstance``
    still works everywhere) and has its ``__init__`` guarded: ``type.__call__`` adds no Python frame, so the
    caller seen is whoever wrote ``Class(...)``.
    """
    done = []
    for dotted in names:
        modname, _, attr = dotted.rpartition(".")
        if not modname.startswith("minirepro"):
            raise ValueError(f"only the course library's functions can be forbidden, not {dotted}")
        module = importlib.import_module(modname)
        original = getattr(module, attr)
        if dotted in _GUARDS:
            continue
        if isinstance(original, type):
            guard = _guard(dotted, original.__init__)
            original.__init__ = guard
            _GUARDS[dotted] = guard
            done.append(dotted)
            continue
        guard = _guard(dotted, original)
        for name, mod in list(sys.modules.items()):  # every re-export: `from minirepro.evaluate import loglik`
            if (name == "minirepro" or name.startswith("minirepro.")) and mod is not None:
                for key, val in list(vars(mod).items()):
                    if val is original:
                        setattr(mod, key, guard)
        _GUARDS[dotted] = guard
        done.append(dotted)
    return done


def install_from_env() -> list[str]:
    """What the sandboxed grading kernel does first: ``MINIREPRO_FORBIDDEN`` is a comma-separated list."""
    names = [n for n in os.environ.get("MINIREPRO_FORBIDDEN", "").split(",") if n.strip()]
    return install([n.strip() for n in names])


def intact() -> list[str]:
    """Names whose guard is no longer where :func:`install` put it (the submission restored the original)."""
    broken = []
    for dotted, guard in _GUARDS.items():
        modname, _, attr = dotted.rpartition(".")
        held = getattr(sys.modules.get(modname), attr, None)
        if (held.__dict__.get("__init__") if isinstance(held, type) else held) is not guard:
            broken.append(dotted)
    return broken
