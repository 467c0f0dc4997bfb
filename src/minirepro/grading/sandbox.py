"""Run a student's code in a sandbox: Linux namespaces, a read-only system, an unprivileged user, no network.

Only the Linux kernel and util-linux (``unshare``, on every Debian and Ubuntu) are needed, and root to start
it (a course server's grading account, or ``sudo make grade``). :func:`wrap` turns a command into one that

* runs in new mount, network, PID, IPC and UTS namespaces (``unshare``): no network at all (only a loopback
  that is down), no view of the grader's processes;
* sees a new root made of read-only binds: the system (``/usr``, ``/etc``, ``/opt``), the Python installation and
  the virtual environment that run it, the course library, and any ``ro`` paths; a fresh ``/tmp`` and ``/dev/shm``
  (tmpfs, size-capped) and a minimal ``/dev``. Nothing else exists there: not the course folder (``solutions/``,
  the gradebook, ``submitted/``, other students' work), not the exchange, not ``/root`` or ``/home``;
* starts in a private copy of its working directory (what it writes there is thrown away), with ``rw`` paths
  bound writable (the kernel's IPC socket folder);
* runs as the unprivileged user ``nobody`` (``MINIREPRO_SANDBOX_USER`` to change it), with no supplementary groups,
  ``no_new_privs``, and limits on processes and file size.

The outer process stays outside and keeps what matters (the grader's results) where the sandbox cannot reach.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import pwd
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS = 38
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/etc", "/opt")
DEVICES = ("null", "zero", "full", "random", "urandom")
#: Where the new root is assembled, inside the sandbox's own mount namespace (the host never sees it).
NEW_ROOT = "/mnt" if os.path.isdir("/mnt") else "/tmp"


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start here (not root, no unshare, namespaces refused)."""


def sandbox_user() -> pwd.struct_passwd:
    name = os.environ.get("MINIREPRO_SANDBOX_USER", "nobody")
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise SandboxUnavailable(f"the sandbox user {name!r} does not exist (set MINIREPRO_SANDBOX_USER)") from None


def python_paths() -> list[str]:
    """What the sandboxed Python needs to read: its installation, the venv, the course library's folder."""
    import minirepro

    paths = {
        os.path.realpath(sys.base_prefix),
        os.path.realpath(sys.prefix),
        os.path.realpath(sys.executable),
        os.path.abspath(sys.prefix),
    }  # a venv reached through a symlink is bound at both places
    paths.add(str(Path(minirepro.__file__).resolve().parents[1]))  # src/ (editable) or site-packages
    return sorted(paths)


def wrap(
    argv: list[str], *, ro=(), rw=(), copy_files=(), private_cwd: bool = True, cwd: str | None = None
) -> list[str]:
    """The command that runs ``argv`` in the sandbox, starting in ``cwd`` (default: the current directory)."""
    if os.geteuid() != 0:
        raise SandboxUnavailable(
            "the sandbox needs root to create its namespaces: run grading as root (sudo make grade ...)"
        )
    if not shutil.which("unshare"):
        raise SandboxUnavailable("`unshare` (util-linux) is not installed")
    user = sandbox_user()
    spec = {
        "ro": sorted({*python_paths(), *map(os.path.abspath, ro)}),
        "rw": [os.path.abspath(p) for p in rw],
        "copy": [os.path.abspath(p) for p in copy_files],
        "cwd": os.path.abspath(cwd or os.getcwd()),
        "private_cwd": private_cwd,
        "uid": user.pw_uid,
        "gid": user.pw_gid,
    }
    return [
        "unshare",
        "--mount",
        "--net",
        "--pid",
        "--ipc",
        "--uts",
        "--fork",
        "--kill-child",
        sys.executable,
        "-m",
        "minirepro.grading.sandbox",
        "--inner",
        json.dumps(spec),
        "--",
        *argv,
    ]


def check_available() -> None:
    """Raise SandboxUnavailable, with the reason, unless a sandboxed command really runs and is confined."""
    probe = (
        "import os, socket, sys; "
        "assert os.getuid() != 0, 'still root'; "
        "assert not os.path.exists(sys.argv[1]), 'a file of the grader is visible'; "
        "s = socket.socket(); s.settimeout(1)\n"
        "try:\n s.connect(('1.1.1.1', 53)); print('network reachable')\nexcept OSError:\n print('ok')"
    )
    try:
        with tempfile.TemporaryDirectory() as tmp, tempfile.NamedTemporaryFile() as secret:
            cmd = wrap([sys.executable, "-c", probe, secret.name], cwd=tmp)
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=tmp)
    except SandboxUnavailable:
        raise
    except Exception as exc:  # whatever stops the probe, the sandbox is unavailable
        raise SandboxUnavailable(f"the sandbox did not start: {exc}") from exc
    if proc.returncode != 0 or proc.stdout.strip() != "ok":
        raise SandboxUnavailable(
            f"the sandbox probe failed (exit {proc.returncode}): {proc.stdout.strip()} {proc.stderr.strip()[-800:]}"
        )


# --- inside the namespaces (still root until the last step) ---------------------------------------------------

_libc = None


def _mount(src, target, fstype=None, flags=0, data=None):
    global _libc
    _libc = _libc or ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)

    def enc(s):
        return None if s is None else str(s).encode()

    if _libc.mount(enc(src), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {src} on {target}: {os.strerror(err)}")


def _bind(src: str, root: str, writable: bool = False):
    if not os.path.lexists(src):
        return
    dst = root + src
    if os.path.islink(src) and os.path.dirname(src) == "/":  # merged /usr: /bin -> usr/bin
        if not os.path.lexists(dst):
            os.symlink(os.readlink(src), dst)
        return
    if os.path.isdir(src):
        os.makedirs(dst, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if not os.path.exists(dst):
            open(dst, "w").close()
    _mount(src, dst, None, MS_BIND | MS_REC)
    if not writable:
        _mount(None, dst, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _inner(spec: dict, argv: list[str]) -> None:
    root = NEW_ROOT
    uid, gid = spec["uid"], spec["gid"]
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=0755")
    for d in SYSTEM_DIRS:
        _bind(d, root)
    os.makedirs(root + "/proc", exist_ok=True)
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV)
    os.makedirs(root + "/dev", exist_ok=True)
    _mount("tmpfs", root + "/dev", "tmpfs", MS_NOSUID, "size=1m,mode=0755")
    for dev in DEVICES:
        _bind(f"/dev/{dev}", root, writable=True)
    for name, size in (("/tmp", "2g"), ("/dev/shm", "1g")):
        os.makedirs(root + name, exist_ok=True)
        _mount("tmpfs", root + name, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=1777")
    for p in spec["ro"]:  # after /tmp: a course cloned under /tmp keeps its venv and library visible
        _bind(p, root)
    for p in spec["rw"]:
        _bind(p, root, writable=True)
    for p in spec["copy"]:  # files the sandboxed user must read (the kernel's connection file)
        dst = root + p
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(p, dst)
        os.chown(dst, uid, gid)
        os.chmod(dst, 0o400)
    cwd = spec["cwd"]
    bound = [*SYSTEM_DIRS, *spec["ro"], *spec["rw"], "/tmp", "/dev", "/proc"]
    if spec["private_cwd"] and not any(
        b == cwd or b.startswith(cwd.rstrip("/") + "/") for b in bound
    ):  # a private copy of the working directory: writes never reach the grader's files
        dst = root + cwd
        os.makedirs(dst, exist_ok=True)
        _mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, "size=1g,mode=0755")
        for entry in os.scandir(cwd):
            if entry.is_file(follow_symlinks=False):
                shutil.copyfile(entry.path, os.path.join(dst, entry.name))
        for dirpath, dirnames, filenames in os.walk(dst):
            for n in [*dirnames, *filenames]:
                os.lchown(os.path.join(dirpath, n), uid, gid)
        os.chown(dst, uid, gid)
    os.chroot(root)
    os.chdir(cwd if os.path.isdir(cwd) else "/tmp")
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    resource.setrlimit(resource.RLIMIT_NPROC, (512, 512))
    resource.setrlimit(resource.RLIMIT_FSIZE, (2 << 30, 2 << 30))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUDO_", "SSH_", "GIT_", "JPY_", "JUPYTERHUB_"))}
    env.update(HOME="/tmp", USER="nobody", LOGNAME="nobody", MINIREPRO_SANDBOXED="1", MPLCONFIGDIR="/tmp/mpl")
    os.execvpe(argv[0], argv, env)


def _kernel(argv: list[str]) -> None:
    """Kernelspec entry: ``... sandbox --kernel -- python -m minirepro.grading.kernel -f {connection_file}``.

    Runs in the grader's process (root): the connection file (mode 600, root's) and the IPC socket folder are
    the only pieces of the grader's filesystem the kernel gets.
    """
    conn = argv[argv.index("-f") + 1]
    with open(conn) as f:
        info = json.load(f)
    if info.get("transport") != "ipc":
        raise SystemExit(
            "the sandboxed kernel needs the ipc transport (KernelManager.transport = 'ipc'): "
            "it has no network, not even the grader's loopback"
        )
    sockets = os.path.dirname(os.path.abspath(info["ip"]))
    if sockets == os.path.dirname(os.path.abspath(conn)):
        raise SystemExit(
            "keep the kernel's IPC sockets (KernelManager.ip) in a folder of their own, not beside the "
            "connection files: that folder is shared with the sandbox"
        )
    cmd = wrap(argv, rw=[sockets], copy_files=[conn])
    os.execvp(cmd[0], cmd)


def write_kernelspec(jupyter_path: Path, forbidden: list[str] = ()) -> Path:
    """A ``python3`` kernelspec under ``jupyter_path/kernels`` whose kernel runs in the sandbox, with the library
    functions in ``forbidden`` guarded (:mod:`.forbid`).

    Put ``jupyter_path`` first on ``JUPYTER_PATH`` and set ``KernelManager.transport = "ipc"`` (with
    ``JUPYTER_RUNTIME_DIR`` a private folder) for the grader that starts kernels.
    """
    spec_dir = Path(jupyter_path) / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable,
        "-m",
        "minirepro.grading.sandbox",
        "--kernel",
        "--",
        sys.executable,
        "-m",
        "minirepro.grading.kernel",
        "-f",
        "{connection_file}",
    ]
    spec = {
        "argv": argv,
        "display_name": "Python 3 (sandboxed grading)",
        "language": "python",
        "interrupt_mode": "signal",
    }
    if forbidden:
        spec["env"] = {"MINIREPRO_FORBIDDEN": ",".join(forbidden)}
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir


def main(args: list[str]) -> None:
    if args[:1] == ["--inner"]:
        spec, rest = json.loads(args[1]), args[3:]
        _inner(spec, rest)
    elif args[:1] == ["--kernel"]:
        _kernel(args[2:])
    elif args[:1] == ["--check"]:
        check_available()
        print("sandbox: ok (namespaces, read-only root, user nobody, no network)")
    else:
        raise SystemExit("usage: python -m minirepro.grading.sandbox --check")


if __name__ == "__main__":
    main(sys.argv[1:])
