"""A Bluetooth advertisement for a real Home Assistant process, the way a Bluetooth proxy on the network brings one.

Home Assistant's API has no call that injects an advertisement. It does take advertisements from remote scanners on
the network, and the simplest of them to stand in for is a Ruuvi Gateway (HA's ``ruuvi_gateway`` integration): HA
polls its ``GET /history`` every 5 s over plain HTTP and feeds each tag's raw advertisement to its Bluetooth manager,
which matches it against the manifests (ours: manufacturer id 0x5551) and starts the discovery flow. So the test adds
a Ruuvi Gateway through HA's config flow API, pointing at this server on loopback, which serves our advertisement.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final, Self

GATEWAY_MAC: Final = "F0:0D:CA:FE:00:01"
GATEWAY_TOKEN: Final = "e2e-gateway-token"
QUECTEL_MANUFACTURER_ID: Final = 0x5551

AD_FLAGS: Final = 0x01
AD_COMPLETE_LOCAL_NAME: Final = 0x09
AD_MANUFACTURER_DATA: Final = 0xFF
LE_GENERAL_DISCOVERABLE_NO_BREDR: Final = 0x06


def advertisement_bytes(*, local_name: str, manufacturer_id: int, manufacturer_data: bytes) -> bytes:
    """An advertisement's raw AD structures (flags, name, manufacturer data), as a gateway relays them."""

    def structure(kind: int, data: bytes) -> bytes:
        return bytes([len(data) + 1, kind]) + data

    return (
        structure(AD_FLAGS, bytes([LE_GENERAL_DISCOVERABLE_NO_BREDR]))
        + structure(AD_COMPLETE_LOCAL_NAME, local_name.encode())
        + structure(AD_MANUFACTURER_DATA, manufacturer_id.to_bytes(2, "little") + manufacturer_data)
    )


def quectel_payload(product_key: str, device_key: str, *, status: int, flags: int) -> bytes:
    """The manufacturer data of a Quectel device, as the vendor's app reads it (cloud_api.md §7.1): status, LE flags."""
    dk = bytes.fromhex(device_key)
    return (
        b"EC"
        + (3).to_bytes(2, "big")
        + bytes([len(product_key)])
        + product_key.encode()
        + bytes([len(dk)])
        + dk
        + bytes([status])
        + flags.to_bytes(2, "little")
    )


@dataclass
class FakeRuuviGateway:
    """``GET /history`` of a Ruuvi Gateway on 127.0.0.1, answering with the tags set in ``tags`` (MAC -> raw bytes)."""

    tags: dict[str, bytes] = field(default_factory=dict)
    polls: int = 0
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        """``host:port`` as the ruuvi_gateway config flow takes it."""
        assert self._server is not None
        address, port = self._server.server_address[:2]
        return f"{address!s}:{port}"

    def history(self) -> dict[str, Any]:
        """The gateway's answer: every tag seen just now."""
        now = int(time.time())
        tags = {mac: {"rssi": -60, "timestamp": now, "data": data.hex().upper()} for mac, data in self.tags.items()}
        return {"data": {"coordinates": "", "timestamp": now, "gw_mac": GATEWAY_MAC, "tags": tags}}

    def __enter__(self) -> Self:
        """Listen on a free loopback port, in a thread."""
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != "/history":
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                if self.headers.get("Authorization") != f"Bearer {GATEWAY_TOKEN}":
                    self.send_error(HTTPStatus.UNAUTHORIZED)
                    return
                gateway.polls += 1
                body = json.dumps(gateway.history()).encode()
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                """Quiet: pytest shows the test's own output."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-ruuvi-gateway", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(10)
