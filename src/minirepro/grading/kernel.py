"""The sandboxed grading kernel: ipykernel, with the lab's forbidden library functions guarded first.

``MINIREPRO_FORBIDDEN`` (set in the kernelspec by :func:`minirepro.grading.sandbox.write_kernelspec`) lists them;
see :mod:`minirepro.grading.forbid`. Without it, this is plain ``python -m ipykernel_launcher``.
"""

from __future__ import annotations

if __name__ == "__main__":
    from minirepro.grading import forbid

    forbid.install_from_env()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
