"""The log gate of the end-to-end stage: the lines of Home Assistant's (or the simulator's) output that fail a run.

A run fails on any traceback, on any blocking call in the event loop, and on a deprecation line that names this
integration: Home Assistant's ``Detected that custom integration 'quectel_iot' ... will stop working`` reports (how a
release announces that it will remove an API we use) and Python's ``DeprecationWarning`` lines from our files. Another
integration's deprecation is Home Assistant's business, not ours, and passes.

Plain Python (no Home Assistant import), so the unit tests check the gate itself (``tests/test_log_scan.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

DOMAIN: Final = "quectel_iot"

TRACEBACK: Final = re.compile(r"Traceback \(most recent call last\)")
BLOCKING_CALL: Final = re.compile(r"Detected blocking call")
# HA's report_usage ("Detected that custom integration 'x' ... This will stop working in Home Assistant 2027.5"),
# its deprecation helpers ("... is a deprecated function ..."), and Python's warnings ("x.py:12: DeprecationWarning").
DEPRECATION: Final = re.compile(r"deprecat|Detected that custom integration|will stop working", re.IGNORECASE)
OURS: Final = re.compile(rf"\b{DOMAIN}\b")
# The stack Python's logging prints under a record logged with stack_info (HA's report_usage does when it cannot
# name the integration), and its indented frames.
STACK_START: Final = "Stack (most recent call last):"

CONTEXT_BEFORE: Final = 2
CONTEXT_AFTER: Final = 12
RECORD_LIMIT: Final = 80


@dataclass(frozen=True, slots=True)
class LogProblem:
    """One line that fails a run: what it is, where, and the lines around it."""

    kind: str
    line_number: int
    line: str
    context: str

    def __str__(self) -> str:
        """The kind, the line number and the line, then its context (what the stage prints)."""
        return f"{self.kind} at line {self.line_number}: {self.line.strip()}\n{self.context}"


def classify(line: str, stack: str = "") -> str | None:
    """The kind of problem a log line is (``traceback``, ``blocking call``, ``deprecation``), or None.

    ``stack`` is the stack logged under the line: a deprecation counts as ours when the line, or the stack HA logs
    under it ("Detected code that ...", where HA could not name the integration), names our integration.
    """
    if TRACEBACK.search(line):
        return "traceback"
    if BLOCKING_CALL.search(line):
        return "blocking call"
    if DEPRECATION.search(line) and (OURS.search(line) or OURS.search(stack)):
        return "deprecation"
    return None


def _stack_under(lines: list[str], index: int) -> str:
    """The stack logged under line ``index`` (empty when none follows it)."""
    following = lines[index + 1 : index + 2 + RECORD_LIMIT]
    if not following or following[0] != STACK_START:
        return ""
    frames = []
    for line in following[1:]:
        if not line.startswith(" "):
            break
        frames.append(line)
    return "\n".join(frames)


def scan_log(text: str) -> list[LogProblem]:
    """Every line of ``text`` that fails a run, in order, each with a few lines of context."""
    lines = text.splitlines()
    found = []
    for index, line in enumerate(lines):
        stack = _stack_under(lines, index) if DEPRECATION.search(line) else ""
        if kind := classify(line, stack):
            context = "\n".join(lines[max(index - CONTEXT_BEFORE, 0) : index + CONTEXT_AFTER])
            found.append(LogProblem(kind=kind, line_number=index + 1, line=line, context=context))
    return found
