"""The reliability tests' client: almost no backoff, a short timeout for the timeout fault; a loaded demo entry."""

from __future__ import annotations

from functools import partial
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant

from custom_components.quectel_iot.api import (
    QuecCloudClient,
)
from quectel_simulator import CloudSimulator
from tests.common import (
    setup_demo_entry,
)
from tests.reliability.cases import REQUEST_TIMEOUT


@pytest.fixture(autouse=True)
def fast_client(request: pytest.FixtureRequest) -> Any:
    """The integration builds its client (account.build_client) with almost no backoff, and with a short timeout in
    the tests of the timeout fault (elsewhere a generous one, so that a busy machine does not fail other tests)."""
    params = getattr(request.node, "callspec", None)
    timeout = REQUEST_TIMEOUT if params is not None and params.params.get("name") == "timeout" else 10.0
    fast = partial(QuecCloudClient, request_timeout=timeout, retry_backoff=0.01)
    with (
        patch("custom_components.quectel_iot.login.QuecCloudClient", fast),
        # The flows' sign-in has a timeout of its own.
        patch("custom_components.quectel_iot.login.SIGN_IN_REQUEST_TIMEOUT", timeout),
    ):
        yield


@pytest.fixture
async def entry(hass: HomeAssistant, simulator: CloudSimulator) -> Any:
    entry = await setup_demo_entry(hass, simulator)
    simulator.clear_requests()
    return entry
