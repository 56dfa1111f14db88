"""The harness's own guarantees: it finds the log lines that fail a run, it always ends its processes, and the
developer launcher (scripts/develop.py) that shares it starts.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from .real_ha import LOOPBACK, REPO, ManagedProcess, wait_for

if TYPE_CHECKING:
    from pathlib import Path

NOISY = """
import logging, sys
logging.basicConfig(level=logging.INFO)
try:
    raise ValueError("boom")
except ValueError:
    logging.getLogger("x").exception("failed")
logging.getLogger("homeassistant.util.loop").warning("Detected blocking call to open with args ... inside the event loop")
print("clean line")
"""

STUBBORN = """
import signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
time.sleep(600)
"""


def test_tracebacks_and_blocking_calls_are_found(tmp_path: Path) -> None:
    process = ManagedProcess(name="noisy", args=[sys.executable, "-c", NOISY], log_path=tmp_path / "noisy.log")
    process.start()
    assert process.process is not None
    process.process.wait(30)
    process.stop()
    problems = process.problems()
    assert [problem.kind for problem in problems] == ["traceback", "blocking call"], problems
    assert "ValueError: boom" in str(problems[0])
    assert "Detected blocking call to open" in str(problems[1])
    assert "clean line" in (tmp_path / "noisy.log").read_text(encoding="utf-8")


def test_a_process_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    process = ManagedProcess(name="stubborn", args=[sys.executable, "-c", STUBBORN], log_path=tmp_path / "s.log")
    process.start()
    wait_for("the child to start", lambda: "ready" in process.output, timeout=30)
    started = time.monotonic()
    status = process.stop(timeout=1)
    assert status is not None
    assert status < 0  # killed by a signal
    assert time.monotonic() - started < 15
    assert not process.running()


def test_the_developer_launcher_starts_and_refuses_a_busy_port() -> None:
    """scripts/develop runs ``python scripts/develop.py`` from the repository: its imports resolve from there."""
    launcher = REPO / "scripts" / "develop.py"
    shown = subprocess.run(  # noqa: S603 - our own argument list
        [sys.executable, str(launcher), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("usage: scripts/develop")
    with socket.socket() as busy:
        busy.bind((LOOPBACK, 0))
        busy.listen()
        port = busy.getsockname()[1]
        refused = subprocess.run(  # noqa: S603
            [sys.executable, str(launcher), "--ha-port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert refused.returncode == 1
    assert f"port {port} on {LOOPBACK} is in use" in refused.stderr
