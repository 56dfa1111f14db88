"""The end-to-end stage's log gate (tests/e2e/log_scan.py) on planted lines: it must be able to fail a run."""

from __future__ import annotations

import pytest

from tests.e2e.log_scan import scan_log

# What Home Assistant 2026.10 / 2026.11 print while they start and load this integration with nothing wrong, including
# the warnings that are not ours to fix (an untested custom integration, another integration's deprecation).
CLEAN = """\
2026-12-02 13:34:28.730 WARNING (MainThread) [homeassistant.bootstrap] Skipping pip installation of required modules. This may cause issues
2026-12-02 13:34:28.738 WARNING (SyncWorker_0) [homeassistant.loader] We found a custom integration quectel_iot which has not been tested by Home Assistant. This component might cause stability problems, be sure to disable it if you experience issues with Home Assistant
2026-12-02 13:34:28.878 WARNING (MainThread) [aiohttp_fast_zlib] zlib_ng and isal are not available, falling back to zlib, performance will be degraded.
2026-12-02 13:34:29.101 WARNING (MainThread) [homeassistant.helpers.frame] Detected that custom integration 'other_thing' calls async_show_form without passing a step_id at custom_components/other_thing/config_flow.py, line 40: return self.async_show_form(. This will stop working in Home Assistant 2027.5.0, please report it to the author of the 'other_thing' custom integration
2026-12-02 13:34:32.340 DEBUG (MainThread) [custom_components.quectel_iot.api.client] Logging in to user domain C.DM.90001.1
2026-12-02 13:34:32.349 DEBUG (MainThread) [custom_components.quectel_iot.api.client] POST /v2/enduser/enduserapi/emailPwdLogin -> HTTP 200, code 200 in 9 ms
/opt/venv/lib/python3.14/site-packages/somelib/x.py:3: DeprecationWarning: somelib.old is deprecated
"""

REPORT_USAGE = (
    "2026-12-02 13:35:01.002 WARNING (MainThread) [homeassistant.helpers.frame] Detected that custom integration "
    "'quectel_iot' calls async_show_form without passing a step_id at custom_components/quectel_iot/config_flow.py, "
    "line 189: return self.async_show_form(. This will stop working in Home Assistant 2027.5.0, please report it to "
    "the author of the 'quectel_iot' custom integration"
)
PYTHON_WARNING = (
    "/config/custom_components/quectel_iot/binding.py:92: DeprecationWarning: via_device is deprecated, "
    "use via_device_id"
)
# HA could not name the integration: the stack it logs under the line does.
UNNAMED_WITH_STACK = """\
2026-12-02 13:35:02.000 WARNING (MainThread) [homeassistant.helpers.frame] Detected code that calls old_api. This will stop working in Home Assistant 2027.5.0, please report this issue
Stack (most recent call last):
  File "/config/custom_components/quectel_iot/coordinator.py", line 162, in _async_update_data
    registry.async_get_or_create(config_entry_id=entry_id, **device_info(device))"""
TRACEBACK = """\
2026-12-02 13:35:03.500 ERROR (MainThread) [homeassistant.config_entries] Error setting up entry demo@example.com for quectel_iot
Traceback (most recent call last):
  File "/opt/venv/lib/python3.14/site-packages/homeassistant/config_entries.py", line 985, in async_setup
    result = await component.async_setup_entry(hass, self)
KeyError: 'devices'"""
BLOCKING = (
    "2026-12-02 13:35:04.000 WARNING (MainThread) [homeassistant.util.loop] Detected blocking call to open with args "
    "('/config/x.json',) inside the event loop by custom integration 'quectel_iot' at "
    "custom_components/quectel_iot/coordinator.py, line 99: open(path) (offender: ...), please create a bug report"
)
# Tracebacks and blocking calls fail a run whoever caused them.
OTHERS_BLOCKING = (
    "2026-12-02 13:35:05.000 WARNING (MainThread) [homeassistant.util.loop] Detected blocking call to sleep with args "
    "(1,) inside the event loop by integration 'met' at homeassistant/components/met/x.py, line 3: time.sleep(1)"
)


def test_a_clean_log_passes() -> None:
    assert scan_log(CLEAN) == []
    assert scan_log("") == []


@pytest.mark.parametrize(
    ("planted", "kind", "needle"),
    [
        pytest.param(REPORT_USAGE, "deprecation", "will stop working in Home Assistant 2027.5.0", id="report_usage"),
        pytest.param(PYTHON_WARNING, "deprecation", "binding.py:92: DeprecationWarning", id="python-warning"),
        pytest.param(UNNAMED_WITH_STACK, "deprecation", "Detected code that calls old_api", id="unnamed-with-stack"),
        pytest.param(TRACEBACK, "traceback", "Traceback (most recent call last)", id="traceback"),
        pytest.param(BLOCKING, "blocking call", "Detected blocking call to open", id="blocking-call"),
        pytest.param(OTHERS_BLOCKING, "blocking call", "by integration 'met'", id="blocking-call-of-another"),
    ],
)
def test_a_planted_line_fails_and_is_printed(planted: str, kind: str, needle: str) -> None:
    lines = CLEAN.splitlines()
    log = "\n".join([*lines[:4], planted, *lines[4:]])
    problems = scan_log(log)
    assert [problem.kind for problem in problems] == [kind]
    (problem,) = problems
    line_number = 5 + next(index for index, line in enumerate(planted.splitlines()) if needle in line)
    assert problem.line_number == line_number
    assert needle in problem.line
    # What the stage prints: the kind, where, the line itself, and the lines around it.
    printed = str(problem)
    assert printed.startswith(f"{kind} at line {line_number}: {problem.line.strip()}")
    assert planted.splitlines()[-1] in printed


def test_every_problem_is_reported_in_order() -> None:
    log = f"{TRACEBACK}\n{CLEAN}\n{REPORT_USAGE}\n{BLOCKING}"
    assert [problem.kind for problem in scan_log(log)] == ["traceback", "deprecation", "blocking call"]


def test_only_the_stack_under_a_deprecation_counts_for_it() -> None:
    """Lines after another integration's deprecation that are not its stack (our next log line, a warning of ours
    printed on stderr, which fails by itself) do not make that deprecation ours."""
    unnamed = (
        "2026-12-02 13:35:02.000 WARNING (MainThread) [homeassistant.helpers.frame] Detected code that calls "
        "old_api. This will stop working in Home Assistant 2027.5.0, please report this issue"
    )
    ours = "2026-12-02 13:35:02.100 DEBUG (MainThread) [custom_components.quectel_iot.coordinator] Polled 3 devices"
    assert scan_log(f"{unnamed}\n{ours}") == []
    problems = scan_log(f"{unnamed}\n{PYTHON_WARNING}")
    assert [(problem.kind, problem.line_number) for problem in problems] == [("deprecation", 2)]
