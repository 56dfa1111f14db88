"""A real Home Assistant and the cloud simulator as processes: shared by ``scripts/develop``, ``scripts/bench`` and the
end-to-end tests.

Every wait has a deadline, and every process is stopped (SIGTERM, then SIGKILL) by whoever started it. What a process
printed is kept (``ManagedProcess.output``): the end-to-end stage's log gate reads it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import requests

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

REPO = Path(__file__).resolve().parents[2]
"""The repository (this file is scripts/dev_support/processes.py)."""
LOOPBACK = "127.0.0.1"
HTTP_TIMEOUT = 30
"""Seconds for one HTTP request to Home Assistant or the simulator."""


class E2EError(RuntimeError):
    """A process or a wait failed (the message says which, and where its log is)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Whether 127.0.0.1:port can be listened on (by a server that sets SO_REUSEADDR, as aiohttp does)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Connections of a run that just ended linger in TIME_WAIT: they do not stop a server, a listener does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def host_path(path: Path) -> str:
    """The path as seen outside the toolchain's chroot (where the repository is bind-mounted elsewhere)."""
    host_repo = os.environ.get("QUECTEL_HOST_REPO")
    if host_repo and path.is_relative_to(REPO):
        return str(Path(host_repo) / path.relative_to(REPO))
    return str(path)


def wait_for(what: str, check: Callable[[], bool], timeout: float, interval: float = 0.25) -> None:
    """Poll ``check`` until it returns True; raise E2EError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return
        if time.monotonic() >= deadline:
            raise E2EError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass
class ManagedProcess:
    """A child process whose output goes to a log file (and, when ``echo`` is set, to our stdout with a prefix)."""

    name: str
    args: list[str]
    log_path: Path
    echo: bool = False
    env: dict[str, str] | None = None
    append: bool = False
    process: subprocess.Popen[bytes] | None = None
    _pump: threading.Thread | None = None
    _log: IO[str] | None = None
    _lines: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        """Start the process in its own session (so a terminal's Ctrl-C reaches only us, and we stop it)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("a" if self.append else "w", encoding="utf-8")
        self.process = subprocess.Popen(  # noqa: S603 - our own argument list, no shell
            self.args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            env=self.env,
            start_new_session=True,
        )
        self._pump = threading.Thread(target=self._read_output, name=f"{self.name}-output", daemon=True)
        self._pump.start()

    def _read_output(self) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        assert self._log is not None
        for raw in self.process.stdout:
            line = raw.decode("utf-8", errors="replace")
            with self._lock:
                self._lines.append(line)
                self._log.write(line)
                self._log.flush()
            if self.echo:
                try:
                    sys.stdout.write(f"{self.name} | {line}")
                    sys.stdout.flush()
                except OSError:  # our stdout went away (a closed pipe): keep draining the child's output
                    self.echo = False

    @property
    def output(self) -> str:
        """Everything the process printed so far."""
        with self._lock:
            return "".join(self._lines)

    def running(self) -> bool:
        """Whether the process was started and has not exited."""
        return self.process is not None and self.process.poll() is None

    def check_running(self) -> None:
        """Raise E2EError (with the end of the log) when the process has exited."""
        if self.process is not None and self.process.poll() is not None:
            tail = "".join(self.output.splitlines(keepends=True)[-30:])
            raise E2EError(
                f"{self.name} exited with status {self.process.returncode}; log {host_path(self.log_path)}:\n{tail}"
            )

    def stop(self, timeout: float = 30) -> int | None:
        """Ask the process to stop (SIGTERM), wait, then kill it. Returns its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if self._pump is not None:
            self._pump.join(10)
        if self._log is not None:
            self._log.close()
            self._log = None
        return self.process.returncode


# ---------------------------------------------------------------------------------------------------------------
# The simulator
# ---------------------------------------------------------------------------------------------------------------


def start_simulator(
    port: int,
    log_path: Path,
    *,
    echo: bool = False,
    timeout: float = 30,
    extra_hosts: Mapping[int, Sequence[str]] | None = None,
    log_level: str | None = None,
) -> ManagedProcess:
    """Start ``python -m quectel_simulator`` on 127.0.0.1:port and wait until it answers HTTP.

    ``extra_hosts``: more listeners (``--extra-host``), port -> the user domains only that one serves. ``log_level``:
    its ``--log-level`` (``WARNING`` keeps a line per request out of a benchmark).
    """
    args = [sys.executable, "-m", "quectel_simulator", "--host", LOOPBACK, "--port", str(port)]
    if log_level is not None:
        args += ["--log-level", log_level]
    for extra_port, domains in (extra_hosts or {}).items():
        args += ["--extra-host", f"{extra_port}:{','.join(domains)}"]
    sim = ManagedProcess(name="simulator", args=args, log_path=log_path, echo=echo)
    sim.start()

    def answers() -> bool:
        sim.check_running()
        return "listening on" in sim.output and all(_accepts(p) for p in (port, *(extra_hosts or {})))

    try:
        wait_for("the simulator to listen", answers, timeout)
    except BaseException:
        sim.stop()
        raise
    return sim


def _accepts(port: int) -> bool:
    try:
        socket.create_connection((LOOPBACK, port), timeout=2).close()
    except OSError:
        return False
    return True


def _http_answers(url: str) -> bool:
    try:
        requests.get(url, timeout=2)
    except requests.RequestException:
        return False
    return True


# ---------------------------------------------------------------------------------------------------------------
# Home Assistant: the process (its configuration folder: ha_config.py; onboarding and its APIs: ha_client.py)
# ---------------------------------------------------------------------------------------------------------------


def hass_command(config_dir: Path) -> list[str]:
    """``hass -c CONFIG --skip-pip`` with the toolchain's hass."""
    hass = Path(sys.executable).parent / "hass"
    executable = [str(hass)] if hass.exists() else [sys.executable, "-m", "homeassistant"]
    return [*executable, "-c", str(config_dir), "--skip-pip"]


def start_home_assistant(
    config_dir: Path, port: int, log_path: Path, *, echo: bool = False, append: bool = False, timeout: float = 120
) -> ManagedProcess:
    """Start Home Assistant and wait until its HTTP server answers."""
    # Deprecation warnings are shown (Python hides them outside __main__): one raised in our code names our file,
    # and the end-to-end stage's log gate (tests/e2e/log_scan.py) fails the run on it.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "default::DeprecationWarning"}
    hass = ManagedProcess(
        name="homeassistant", args=hass_command(config_dir), log_path=log_path, echo=echo, env=env, append=append
    )
    hass.start()
    base_url = f"http://{LOOPBACK}:{port}"

    def answers() -> bool:
        hass.check_running()
        return _http_answers(f"{base_url}/manifest.json")

    try:
        wait_for(f"Home Assistant to answer on {base_url}", answers, timeout)
    except BaseException:
        hass.stop()
        raise
    return hass
