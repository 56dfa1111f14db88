"""End-to-end tests only: the cloud's known hosts, per data center, replaced by the simulator's listeners.

Region *Automatic* signs in at the hosts ``custom_components/quectel_iot/api/const.py`` lists (``REGION_BASE_URLS``,
then ``REGION_ALTERNATE_URLS``), which ``api/discovery.py`` ``known_hosts()`` reads at call time. A test Home
Assistant cannot reach the real ones, so the end-to-end harness (``scripts/dev_support/ha_config.py``) links this component into
the test Home Assistant's ``custom_components/`` and configures it in ``configuration.yaml``::

    quectel_iot_test_hosts:
      europe: ["http://127.0.0.1:8910", "http://127.0.0.1:8911"]

The first URL of a data center becomes its documented host, the others its alternate hosts; a data center left out
has none (so *Automatic* does not try it). Nothing of this is in the integration: it exists only in a test's
configuration folder.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

import probatio as vol
from homeassistant.helpers import config_validation as cv

from custom_components.quectel_iot.api.const import REGION_ALTERNATE_URLS, REGION_BASE_URLS, Region

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

_LOGGER = logging.getLogger(__name__)

DOMAIN: Final = "quectel_iot_test_hosts"
DATA_CENTER_NAMES: Final = [region.value for region in (Region.EUROPE, Region.NORTH_AMERICA, Region.CHINA)]

CONFIG_SCHEMA: Final = vol.Schema(
    {DOMAIN: {vol.Optional(name): vol.All(cv.ensure_list, [cv.url], vol.Length(min=1)) for name in DATA_CENTER_NAMES}},
    extra=vol.ALLOW_EXTRA,
)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Replace the known hosts (in place: the integration holds these very dicts)."""
    hosts: dict[str, list[str]] = config[DOMAIN]
    REGION_BASE_URLS.clear()
    REGION_ALTERNATE_URLS.clear()
    for name, urls in hosts.items():
        region = Region(name)
        REGION_BASE_URLS[region] = urls[0]
        REGION_ALTERNATE_URLS[region] = tuple(urls[1:])
    _LOGGER.info("Test hosts of the Quectel cloud (end-to-end tests only): %s", hosts)
    return True
