"""The student's side of the judge: run a submission's cells, then answer the judge's calls.

Started by :mod:`minirepro.grading.judge` inside the sandbox, talking over stdin/stdout (frames from
:mod:`minirepro.grading.wire`). It runs the submission's cells in an IPython shell, as a kernel would, minus
the test cells, then serves ``get NAME`` and ``call NAME(args)``. Whatever the student's code does here
(patch ``math.isclose``, add input transformers) changes only this process: the tests run in the judge.

It also reports what the submission did to its interpreter (the audit), so that the grader can flag it.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback

from minirepro.grading import wire

WATCHED = [
    "builtins",
    "math",
    "cmath",
    "operator",
    "statistics",
    "random",
    "json",
    "numpy",
    "numpy.testing",
    "numpy.linalg",
    "torch",
    "torch.nn.functional",
    "torch.testing",
    "scipy.optimize",
    "minirepro",
    "minirepro.check",
    "minirepro.config",
    "minirepro.evaluate",
    "minirepro.train",
    "minirepro.model",
    "minirepro.data",
    "minirepro.corpus",
    "minirepro.crawl",
    "minirepro.scaling",
    "minirepro.measure",
    "minirepro.facts",
    "minirepro.budget",
    "minirepro.filtering",
    "minirepro.stability",
    "minirepro.grading.worker",
    "minirepro.grading.wire",
    "minirepro.grading.forbid",
]
WATCHED_CLASSES = [("torch", "Tensor"), ("numpy", "ndarray")]


def _resolve(name):
    """What a judge-side proxy unpickles to here: the student's object of that name."""
    return _NS[name]


_NS: dict = {}


def _origin(val) -> str:
    """The top-level package an object comes from (a function the student wrote comes from '__main__')."""
    mod = getattr(val, "__module__", None) or getattr(type(val), "__module__", None) or "?"
    return str(mod).split(".")[0]


def _snapshot():
    import importlib

    snap = {}
    for modname in WATCHED:
        try:
            mod = importlib.import_module(modname)
        except Exception:  # a module that does not import here has nothing to watch
            continue
        for attr, val in list(vars(mod).items()):
            if callable(val):
                snap[f"{modname}.{attr}"] = (id(val), modname, _origin(val))
    for modname, cls in WATCHED_CLASSES:
        try:
            klass = getattr(importlib.import_module(modname), cls)
        except Exception:  # likewise
            continue
        for attr, val in list(vars(klass).items()):
            if callable(val):
                snap[f"{modname}.{cls}.{attr}"] = (id(val), modname, _origin(val))
    return snap


def _shell_state(shell):
    return {
        "input_transformers_cleanup": [id(f) for f in shell.input_transformers_cleanup],
        "input_transformers_post": [id(f) for f in shell.input_transformers_post],
        "ast_transformers": [id(f) for f in shell.ast_transformers],
        "events": {k: [id(f) for f in v] for k, v in shell.events.callbacks.items()},
        "custom_exceptions": repr(shell.custom_exceptions),
        "trace": repr(sys.gettrace()),
        "profile": repr(sys.getprofile()),
        "meta_path": [id(f) for f in sys.meta_path],
        "displayhook": id(sys.displayhook),
        "excepthook": id(sys.excepthook),
    }


def audit(before_fns, after_fns, before_shell, after_shell) -> list[str]:
    """What changed in the interpreter while the submission ran (names only, for a reviewer)."""
    found = []
    for key, val in before_shell.items():
        if after_shell.get(key) != val:
            found.append(f"changed the interpreter: {key}")
    patched = sorted(
        k for k, v in before_fns.items() if after_fns.get(k, v)[0] != v[0] and after_fns[k][2] != v[1].split(".")[0]
    )
    if patched:
        found.append("replaced library functions: " + ", ".join(patched[:12]) + (" ..." if len(patched) > 12 else ""))
    return found


def _wire_only():
    """The protocol's own copies of stdin/stdout; the student's prints and reads go to /dev/null."""
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the student's prints and reads never touch the wire
        os.dup2(devnull, fd)
    sys.stdin = open(os.devnull)
    return proto_in, proto_out


def _run_cells(shell, job: dict, send) -> None:
    """Run the submission's cells in order, reporting each one's start and error (None when it ran)."""
    for i, src in enumerate(job["cells"]):
        if i in job.get("skip", ()):
            send({"cell": i, "error": "skipped: it timed out before"})
            continue
        send({"cell": i, "start": True})
        try:
            res = shell.run_cell(src, store_history=False, silent=True)
            err = res.error_before_exec or res.error_in_exec
            msg = f"{type(err).__name__}: {err}"[:300] if err is not None else None
        except BaseException as exc:  # a cell may raise SystemExit or KeyboardInterrupt: it is reported
            msg = f"{type(exc).__name__}: {exc}"[:300]
        send({"cell": i, "error": msg})


def _audit_after(before_fns, before_shell, shell, forbid) -> list[str]:
    """What the cells changed that they must not (``audit``), and library functions they restored."""
    try:
        found = audit(before_fns, _snapshot(), before_shell, _shell_state(shell))
        restored = forbid.intact()
        if restored:
            found.append("restored library functions the lab switches off: " + ", ".join(restored))
    except BaseException as exc:  # the audit must report, whatever the cells left behind
        found = [f"the audit itself failed: {type(exc).__name__}"]
    return found


def _kinds(names) -> dict:
    """For each name the tests ask for: "missing", "callable" or "value"."""
    return {name: "missing" if name not in _NS else "callable" if callable(_NS[name]) else "value" for name in names}


def _serve(proto_in, send) -> None:
    """Answer the judge's ("get", name) and ("call", name, args, kwargs) requests until it hangs up."""
    while True:
        try:
            frame = wire.read_frame(proto_in)
        except EOFError:
            return
        try:
            op, *rest = pickle.loads(frame)
            if op == "get":
                value = _NS[rest[0]]
            elif op == "call":
                name, args, kwargs = rest
                value = _NS[name](*args, **kwargs)
            else:
                return
            reply = {"ok": wire.encode(value)}
        except BaseException as exc:  # every failure of the student's code is a reply, never the worker's end
            tb = traceback.format_exception(exc)
            reply = {"err": {"type": type(exc).__name__, "msg": str(exc)[:2000], "tb": "".join(tb[-3:])[:4000]}}
        try:
            send(reply)
        except (ValueError, TypeError) as exc:
            send({"err": {"type": "TypeError", "msg": f"the result could not be sent to the grader: {exc}", "tb": ""}})


def main() -> None:
    """Read the job, run its cells, send the audit, then answer the judge's requests."""
    global _NS
    proto_in, proto_out = _wire_only()
    os.environ["NBGRADER_EXECUTION"] = "autograde"

    import numpy  # noqa: F401 (imported before the snapshot, as the labs import it)
    import torch  # noqa: F401 (likewise)
    from IPython.core.interactiveshell import InteractiveShell

    job = pickle.loads(wire.read_frame(proto_in))
    import types

    from minirepro.grading import forbid

    forbid.install(job.get("forbidden", []))  # before the snapshot: the guards are the baseline

    shell = InteractiveShell.instance(user_module=types.ModuleType("__main__"))
    _NS = shell.user_ns
    before_fns, before_shell = _snapshot(), _shell_state(shell)

    def send(obj):
        wire.write_frame(proto_out, wire.dumps(obj))

    _run_cells(shell, job, send)
    found = _audit_after(before_fns, before_shell, shell, forbid)
    send({"ready": True, "audit": found, "names": _kinds(job["names"])})
    _serve(proto_in, send)


if __name__ == "__main__":
    main()
