"""The simulator's demo account, read from its demo data (``quectel_simulator/demo_data.toml``), never restated.

What ``scripts/develop`` prints for the config flow, and what ``scripts/bench`` signs its account in with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from quectel_simulator import CloudSimulator
from quectel_simulator.model import BINDING_MODE_MULTI


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """The demo user and its user domain, and a product of that domain to bind devices of."""

    uid: str
    user_domain: str
    user_domain_secret: str = field(repr=False)
    email: str
    password: str = field(repr=False)
    international_code: str
    cellular_product: str
    """A multi-user cellular product of the domain: bound by device key alone, as often as wanted."""

    @classmethod
    def load(cls) -> Self:
        """The demo data's account (its ``demo_uid``)."""
        state = CloudSimulator.from_demo_data().state
        user = state.users[state.demo_uid or ""]
        domain = state.user_domains[user.user_domain]
        cellular = next(
            pk
            for pk in sorted(domain.products)
            if state.products[pk].kind == "cellular" and state.products[pk].binding_mode == BINDING_MODE_MULTI
        )
        return cls(
            uid=user.uid,
            user_domain=domain.domain,
            user_domain_secret=domain.secret,
            email=user.email or "",
            password=user.password,
            international_code=user.international_code,
            cellular_product=cellular,
        )
