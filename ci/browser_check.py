"""The student's path in JupyterLab, driven in a real browser (headless Chromium through Playwright).

On a scratch copy of what a student has (lectures/, labs/, datasets/, nbgrader_config.py, the course-local
exchange that `ci/release_labs.py` fills, my-labs/nbgrader_config.py), with a JupyterLab server of its own
(a free port, a token, root = the copy), it:

 1. opens JupyterLab on the file tree;
 2. opens a lecture from the file browser, runs all its cells (SCALE smoke) and sees a rendered plot;
 3. opens nbgrader's Assignment List (menu Nbgrader > Assignment List) and sees every released lab;
 4. fetches one lab, which lands in ASSIGNMENT_DIR/<lab>/;
 5. opens the fetched notebook from the panel;
 6. types the reference answer (from solutions/) into one answer cell, runs the cells above it, the answer and
    its test cell, and reads that the test passed (no error in the page, none in the saved notebook);
 7. presses nbgrader's Validate button and reads the verdict: the answered test is not among the failures,
    the unanswered questions are (NotImplementedError).

A screenshot of each step goes to build/browser/NN_step.png (NN_step_FAILED.png where a step failed).
Exit status 0: every step passed; 1: a step failed (or, under CI, the browser is missing).

Needs Debian's chromium (`apt-get install -y chromium`, launched as /usr/bin/chromium: Playwright's own browser
download does not work offline) and the `playwright` package (the `dev` extra). Without them it says
"browser: skipped" and exits 0, except under CI (CI=true), where .ci/run installs chromium and its absence fails.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BUILD, ROOT, env_with_venv  # noqa: E402 (sys.path set above)

#: Debian's chromium (its launcher script); MINIREPRO_CHROMIUM overrides it.
CHROMIUM = Path(os.environ.get("MINIREPRO_CHROMIUM", "/usr/bin/chromium"))
#: Flags that work as root on a machine whose network reaches only package registries: without the
#: background-networking ones, chromium's own connections are refused and slow everything down.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = "apt-get install -y chromium && .venv/bin/pip install -c constraints.txt -e '.[dev]'"

#: Where the Assignments panel puts a fetched lab, relative to the JupyterLab root (nbgrader_config.py's
#: c.Exchange.assignment_dir, made by ci/release_labs.py). The one place that names it.
ASSIGNMENT_DIR = "my-labs"
LAB = "01_compute_budgeting"
ANSWER_ID = "param_count"  # the answer cell filled in (its test cell comes right after it)
TEST_ID = "test_param_count"
LECTURE = "lectures/00_reproduction_puzzle.ipynb"
#: What a student has: copied into the scratch JupyterLab root.
STUDENT_FILES = ["nbgrader_config.py", "lectures", "labs", "datasets"]

SHOTS = BUILD / "browser"
STEP_TIMEOUT_MS = 60_000  # the longest wait of any one step (Validate runs the whole lab: ~20 s here)
SERVER_START_S = 60
RELEASE_S = 240


# ------------------------------------------------------------------------------------------------- pure logic


def is_ci(env=None) -> bool:
    """CI sets CI=true (as does .ci/run's caller); 1 and yes count too."""
    return (env if env is not None else os.environ).get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing(chromium: Path = CHROMIUM, has_playwright: bool | None = None) -> str | None:
    """Why the browser check cannot run here, or None when it can."""
    if has_playwright is None:
        has_playwright = importlib.util.find_spec("playwright") is not None
    problems = []
    if not (chromium.is_file() and os.access(chromium, os.X_OK)):
        problems.append(f"no chromium at {chromium}")
    if not has_playwright:
        problems.append(f"the Python package playwright is not installed in {sys.prefix}")
    return "; ".join(problems) or None


def unavailable(reason: str, env=None) -> tuple[str, int]:
    """The message and exit status when the browser is missing: a skip locally, a failure under CI."""
    if is_ci(env):
        return (
            f"browser: FAILED: {reason}; CI must have it (.ci/run installs chromium with apt-get, "
            f"make installs playwright); install with: {INSTALL_HINT}"
        ), 1
    return f"browser: skipped: {reason}; install with: {INSTALL_HINT}", 0


def reference_answer(solution: Path, grade_id: str) -> str:
    """The reference answer of a solution cell, as a student would type it (no solution markers)."""
    source = _cell(solution, grade_id)["source"]
    lines = [ln for ln in source.splitlines() if ln.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")]
    return "\n".join(lines)


def cell_index(notebook: Path, grade_id: str) -> int:
    """Index of the cell with this nbgrader grade_id."""
    cells = json.loads(notebook.read_text())["cells"]
    for i, cell in enumerate(cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise LookupError(f"{notebook}: no cell with grade_id {grade_id!r}")


def _cell(notebook: Path, grade_id: str) -> dict:
    cells = json.loads(notebook.read_text())["cells"]
    cell = cells[cell_index(notebook, grade_id)]
    cell["source"] = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    return cell


def fetched_notebook(root: Path, lab: str = LAB) -> Path:
    return root / ASSIGNMENT_DIR / lab / f"{lab}.ipynb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------------- the course copy


def student_copy(dest: Path) -> Path:
    """The scratch JupyterLab root: what a student has, without the exchange (added after the release)."""
    for name in STUDENT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


def add_release(dest: Path) -> None:
    """The course-local exchange as ci/release_labs.py left it, and the config of the fetched-labs folder."""
    exchange = ROOT / "build" / "exchange"
    if not exchange.is_dir():
        raise StepFailed(f"ci/release_labs.py left no exchange at {exchange}")
    shutil.copytree(exchange, dest / "build" / "exchange", symlinks=True)
    config = ROOT / ASSIGNMENT_DIR / "nbgrader_config.py"
    if config.is_file():
        (dest / ASSIGNMENT_DIR).mkdir(exist_ok=True)
        shutil.copy2(config, dest / ASSIGNMENT_DIR / "nbgrader_config.py")


# ------------------------------------------------------------------------------------------------- the server


def start_server(root: Path, home: Path, port: int, token: str) -> subprocess.Popen:
    """jupyter lab on the copy, its settings, workspaces, runtime and data folders in `home`."""
    env = env_with_venv()
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ("IPYTHONDIR", "ipython"),
    ]:
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    # No news toast over the page (and no request for it to a closed network).
    notification = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env["MINIREPRO_SCALE"] = "smoke"
    env["MINIREPRO_DEVICE"] = "cpu"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    # cwd = the root: nbgrader's Validate reads nbgrader_config.py from the server's working directory.
    with open(SHOTS / "jupyter.log", "w") as log:  # kept beside the screenshots
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.log_path = SHOTS / "jupyter.log"
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StepFailed(f"jupyter lab exited {proc.returncode}:\n{proc.log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise StepFailed(
        f"jupyter lab did not answer on port {port} within {SERVER_START_S} s:\n{proc.log_path.read_text()[-3000:]}"
    )


def stop_server(proc: subprocess.Popen) -> None:
    """End the server, its kernels (their own sessions) and everything else it started."""
    if proc.poll() is None:
        try:
            import psutil

            family = [psutil.Process(proc.pid)] + psutil.Process(proc.pid).children(recursive=True)
        except Exception:
            family = []
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        for p in family[1:]:  # kernels run in sessions of their own: the group kill does not reach them
            with contextlib.suppress(Exception):
                p.kill()
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


# ------------------------------------------------------------------------------------------------- the browser


class StepFailed(Exception):
    pass


class Steps:
    """Numbered steps, each with a screenshot; a failed or timed-out step leaves NN_step_FAILED.png."""

    def __init__(self, page):
        self.page = page
        self.n = 0
        self.done = []

    @contextlib.contextmanager
    def step(self, name: str, what: str):
        self.n += 1
        stem = f"{self.n:02d}_{name}"
        t0 = time.perf_counter()
        print(f"browser: {stem}: {what} ...", flush=True)
        try:
            yield
        except Exception as e:  # noqa: BLE001 - any failure: a screenshot, then one clear message
            shot = SHOTS / f"{stem}_FAILED.png"
            with contextlib.suppress(Exception):
                self.page.screenshot(path=str(shot))
            with contextlib.suppress(Exception):  # the page as it was, to find what a selector missed
                shot.with_suffix(".html").write_text(self.page.content())
            kind = "timed out" if "Timeout" in type(e).__name__ else "failed"
            detail = (
                "\n".join(str(e).strip().splitlines()[:4]) or type(e).__name__
            )  # then Playwright's long call log: cut
            raise StepFailed(
                f"step {stem} ({what}) {kind} after {time.perf_counter() - t0:.1f} s: {detail}"
                f"\n  screenshot: {shot.relative_to(ROOT)}"
            ) from None
        self.page.screenshot(path=str(SHOTS / f"{stem}.png"))
        self.done.append((stem, time.perf_counter() - t0))
        print(f"browser: {stem}: ok ({time.perf_counter() - t0:.1f} s) -> build/browser/{stem}.png", flush=True)


def menu(page, top: str, item: str) -> None:
    """Click a JupyterLab main-menu item: top menu, then the item."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-content .lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$")).first.click()


def open_in_file_browser(page, path: str) -> None:
    """Open a path from JupyterLab's file browser, one folder at a time, by double-clicking as a person does."""
    browser = page.locator("#filebrowser")
    browser.locator(".jp-BreadCrumbs-home").click()
    for part in path.split("/"):
        name = page.locator(".jp-DirListing-itemText", has_text=re.compile(rf"^{re.escape(part)}$"))
        browser.locator(".jp-DirListing-item", has=name).dblclick()
    wait_current_tab(page, path)


def wait_current_tab(page, path: str) -> None:
    """The main area shows the document at `path` (relative to the JupyterLab root)."""
    page.locator(f".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current[title*='Path: {path}']").wait_for()


def active_notebook(page):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def wait_idle(page, notebook: str, timeout=STEP_TIMEOUT_MS) -> None:
    """The active notebook's kernel is connected and idle, and none of its cells is running or queued."""
    status = page.locator(f".jp-StatusBar-TextItem[title='Change kernel for {notebook}']")
    status.filter(has_text=re.compile(r"\| Idle$")).wait_for(timeout=timeout)
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')]"
        ".some(p => p.textContent.includes('*'))",
        timeout=timeout,
    )


def ran(cell) -> None:
    """Wait until a code cell has run: its prompt shows an execution count, [n]:."""
    from playwright.sync_api import expect

    expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"^\s*\[\d+\]:?\s*$"), timeout=STEP_TIMEOUT_MS)


def run(steps: Steps, root: Path, base: str, release: subprocess.Popen) -> None:
    page = steps.page
    solution = ROOT / "solutions" / LAB / f"{LAB}.ipynb"
    answer = reference_answer(solution, ANSWER_ID)

    with steps.step("tree", "JupyterLab opens on the course's file tree"):
        page.goto(base)
        listing = page.locator("#filebrowser .jp-DirListing-content")
        for name in ("lectures", "labs"):
            listing.locator(".jp-DirListing-itemText", has_text=re.compile(rf"^{name}$")).wait_for()

    with steps.step("lecture_plot", f"{LECTURE}: run all cells (SCALE smoke), a plot renders"):
        open_in_file_browser(page, LECTURE)
        nb = active_notebook(page)
        wait_idle(page, Path(LECTURE).name)
        menu(page, "Run", "Run All Cells")
        image = nb.locator(".jp-RenderedImage img").first
        image.wait_for(state="attached")  # cells off screen are not painted (content-visibility): not "visible" yet
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 100", arg=image.element_handle())
        image.evaluate("img => img.scrollIntoView({block: 'center'})")  # once loaded: its height is known
        page.wait_for_timeout(300)  # the scroll settles (content-visibility lays out the cells around it)
        image.evaluate("img => img.scrollIntoView({block: 'center'})")
        errors = nb.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']", has_text="Traceback"
        )
        assert errors.count() == 0, f"a lecture cell failed: {errors.first.inner_text()[:1000]}"
    with steps.step("assignment_list", "Nbgrader > Assignment List lists every released lab"):
        # The rest of the lecture (a training run) is not needed: stop its kernel so it does not take a core.
        menu(page, "Kernel", "Shut Down Kernel")
        try:
            out, _ = release.communicate(timeout=RELEASE_S)
        except subprocess.TimeoutExpired:
            raise StepFailed(f"ci/release_labs.py did not finish within {RELEASE_S} s") from None
        if release.returncode != 0:
            raise StepFailed(f"ci/release_labs.py exited {release.returncode}:\n{out[-3000:]}")
        add_release(root)
        labs = sorted(p.name for p in (root / "build" / "exchange").glob("*/outbound/*"))
        assert LAB in labs, f"{LAB} is not in the exchange after ci/release_labs.py: {labs}"
        menu(page, "Nbgrader", "Assignment List")
        released = page.locator("#released_assignments_list")
        for lab in labs:
            released.locator(".list_item", has_text=lab).wait_for()
        print(f"browser:   released labs listed: {', '.join(labs)}")

    with steps.step(
        "fetched", f"Fetch {LAB}: it moves to Downloaded assignments, the notebook is in {ASSIGNMENT_DIR}/"
    ):
        row = released.locator(".list_item", has_text=LAB)
        row.get_by_role("button", name="Fetch").click()
        fetched = page.locator("#fetched_assignments_list")
        fetched.locator(".list_item", has_text=LAB).first.wait_for()
        target = fetched_notebook(root)
        if not target.is_file():
            landed = [
                str(p.relative_to(root))
                for p in root.rglob(f"{LAB}.ipynb")
                if "exchange" not in p.parts and "labs" not in p.parts[:1]
            ]
            raise StepFailed(f"the fetched lab is not at {target.relative_to(root)}; found: {landed or 'nothing'}")

    with steps.step("lab_open", f"open the fetched {target.relative_to(root)} from the panel"):
        fetched.locator("a.assignment-notebooks-link", has_text=LAB).click()  # unfolds the lab's notebooks
        fetched.locator(".assignment-notebooks a", has_text=re.compile(rf"^{LAB}$")).click()  # its notebook, by id
        wait_current_tab(page, f"{ASSIGNMENT_DIR}/{LAB}/{LAB}.ipynb")
        nb = active_notebook(page)
        wait_idle(page, f"{LAB}.ipynb")

    with steps.step(
        "answer_passed", f"type the reference {ANSWER_ID}, run the cells above, it and {TEST_ID}: the test passes"
    ):
        answer_at, test_at = cell_index(target, ANSWER_ID), cell_index(target, TEST_ID)
        assert test_at == answer_at + 1, f"{TEST_ID} should come right after {ANSWER_ID}"
        cells = nb.locator(".jp-Notebook .jp-Notebook-cell")
        answer_cell, test_cell = cells.nth(answer_at), cells.nth(test_at)
        editor = answer_cell.locator(".cm-content")
        editor.evaluate("e => e.scrollIntoView({block: 'start'})")
        editor.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.insert_text(answer)
        page.keyboard.press("Escape")  # command mode, the answer cell selected
        menu(page, "Run", "Run All Above Selected Cell")
        code_above = [
            i for i, c in enumerate(json.loads(target.read_text())["cells"][:answer_at]) if c["cell_type"] == "code"
        ]
        ran(cells.nth(code_above[-1]))
        wait_idle(page, f"{LAB}.ipynb")
        page.keyboard.press("Shift+Enter")  # the answer, then on to its test
        page.keyboard.press("Shift+Enter")  # the test
        ran(answer_cell)
        ran(test_cell)
        wait_idle(page, f"{LAB}.ipynb")
        answer_cell.evaluate("e => e.scrollIntoView({block: 'start'})")
        shown = "\n".join(test_cell.locator(".jp-OutputArea-output").all_inner_texts())
        verdict = [ln for ln in shown.splitlines() if re.match(r"^\w*(Error|Exception)\b", ln)]
        assert "Error" not in shown, f"the test cell failed: {verdict[-1] if verdict else shown[-1500:]}"
        page.keyboard.press("ControlOrMeta+s")
        page.wait_for_function(
            "() => !document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-mod-dirty')"
            " && !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')"
        )
        saved = json.loads(target.read_text())["cells"]
        saved_answer = "".join(saved[answer_at]["source"])
        assert saved_answer.strip() == answer.strip(), (
            f"the saved answer cell differs from what was typed:\n{saved_answer}"
        )
        errors = [o for o in saved[test_at].get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, f"the saved test cell has an error: {errors[0].get('ename')}: {errors[0].get('evalue')}"
        assert saved[test_at].get("execution_count"), "the saved test cell has no execution count"

    with steps.step(
        "validate", "press Validate: the verdict dialog lists the unanswered questions, not the answered one"
    ):
        nb.locator(".validate-button").click()
        dialog = page.locator(".jp-Dialog", has=page.locator("#validation-message"))
        dialog.wait_for(timeout=2 * STEP_TIMEOUT_MS)
        message = dialog.locator("#validation-message")
        verdict = message.get_attribute("class") or ""
        text = message.inner_text()
        assert "validation-failed" in verdict, (
            f"expected the unanswered questions to fail; the verdict: {verdict!r}\n{text[:2000]}"
        )
        test_source = "".join(json.loads(target.read_text())["cells"][test_at]["source"])
        first_line = test_source.strip().splitlines()[0]
        assert first_line not in text, f"Validate reports the answered test {TEST_ID} as failing:\n{text[:3000]}"
        assert "NotImplementedError" in text, (
            f"the unanswered questions should fail with NotImplementedError:\n{text[:2000]}"
        )
        n_failed = text.count("The following cell failed:")
        print(f"browser:   Validate: {n_failed} cells fail (the unanswered questions); {TEST_ID} is not among them")


def main(argv=None) -> int:
    reason = missing()
    if reason:
        message, rc = unavailable(reason)
        print(message)
        return rc
    from playwright.sync_api import sync_playwright

    t_all = time.perf_counter()
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    # The release (nbgrader, ~40 s on two cores) runs while the browser opens the tree and the lecture.
    release = subprocess.Popen(
        [sys.executable, "ci/release_labs.py"],
        cwd=ROOT,
        env=env_with_venv(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    scratch = Path(tempfile.mkdtemp(prefix="browser_check_"))
    root, home = scratch / "course", scratch / "home"
    root.mkdir()
    server = None
    rc = 1
    try:
        student_copy(root)
        port, token = free_port(), secrets.token_hex(16)
        server = start_server(root, home, port, token)
        print(f"browser: JupyterLab on port {port}, root {root} ({time.perf_counter() - t_all:.1f} s)")
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(home / "chromium-profile"),
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1400, "height": 900},
            )
            context.set_default_timeout(STEP_TIMEOUT_MS)
            try:
                page = context.new_page()
                steps = Steps(page)
                run(steps, root, f"http://127.0.0.1:{port}/lab?token={token}", release)
                rc = 0
            finally:
                context.close()
    except Exception as e:  # noqa: BLE001 - a step that failed, or the set-up around the steps
        print(f"browser: FAILED: {e if isinstance(e, StepFailed) else repr(e)}")
        if server is not None:
            print(
                "browser: the server's log (build/browser/jupyter.log) ends with:\n"
                + server.log_path.read_text()[-2000:]
            )
    finally:
        if release.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(release.pid, signal.SIGKILL)
            release.wait()
        if server is not None:
            stop_server(server)
        shutil.rmtree(scratch, ignore_errors=True)
    shots = sorted(p.name for p in SHOTS.glob("*.png"))
    print(f"browser: screenshots in build/browser/: {', '.join(shots)}")
    print(f"browser: {'passed' if rc == 0 else 'FAILED'} in {time.perf_counter() - t_all:.0f} s")
    return rc


if __name__ == "__main__":
    sys.exit(main())
