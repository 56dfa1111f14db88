"""Command line: run the simulator in the foreground.

``python -m quectel_simulator [--host 127.0.0.1] [--port 8910] [--data FILE] [--access-token-lifetime S]
[--extra-host PORT:DOMAIN[,DOMAIN...]]...``

It prints its URL, the demo account (what to type into the integration's config flow) and the devices with their
binding codes, then serves until Ctrl-C (SIGINT) or SIGTERM. Each ``--extra-host`` opens another listener (a second
host name of the cloud, named ``extra1``, ``extra2``, ...) that serves the listed user domains; the main URL then
answers their logins 5015.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

from .simulator import CloudSimulator
from .tokens import DEFAULT_ACCESS_LIFETIME, DEFAULT_REFRESH_LIFETIME

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .model import Device, User

DEFAULT_PORT = 8910
"""The port the CLI listens on unless told otherwise."""

BINDING_MODES = {1: "multi-user binding", 2: "unique binding", 3: "rotation binding"}
EXTRA_HOST_PREFIX: Final = "extra"
"""Extra listeners are named ``extra1``, ``extra2``, ... in the order of their ``--extra-host``."""

type ExtraHost = tuple[int, list[str]]
"""An ``--extra-host``: its port and the user domains it serves."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from err
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from err
    if not 0 <= value <= 65535:  # noqa: PLR2004 - highest TCP port
        raise argparse.ArgumentTypeError("must be 0..65535 (0 picks a free port)")
    return value


def _extra_host(text: str) -> ExtraHost:
    port_text, sep, domains_text = text.partition(":")
    domains = [domain.strip() for domain in domains_text.split(",") if domain.strip()]
    if not sep or not domains:
        raise argparse.ArgumentTypeError(f"expected PORT:DOMAIN[,DOMAIN...], got {text!r}")
    return _port(port_text), domains


def build_parser() -> argparse.ArgumentParser:
    """Make the argument parser.

    Returns:
        The parser.
    """
    parser = argparse.ArgumentParser(
        prog="python -m quectel_simulator",
        description="Run a local stand-in for the Quectel/Acceleronix end-user cloud (Ctrl-C to stop).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help="TCP port, 0 for a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--data", type=Path, default=None, metavar="FILE", help="TOML data file (default: the bundled demo data)"
    )
    parser.add_argument(
        "--access-token-lifetime",
        type=_positive_int,
        default=DEFAULT_ACCESS_LIFETIME,
        metavar="S",
        help="access token lifetime in seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--refresh-token-lifetime",
        type=_positive_int,
        default=DEFAULT_REFRESH_LIFETIME,
        metavar="S",
        help="refresh token lifetime in seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--extra-host",
        type=_extra_host,
        action="append",
        default=[],
        metavar="PORT:DOMAIN[,DOMAIN...]",
        help="serve these user domains on another port only, as a second host name of the cloud (repeatable)",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="log level of the request log on stderr (default: %(default)s)",
    )
    return parser


def _account(user: User) -> str:
    parts = [p for p in (user.email, f"+{user.international_code} {user.phone}" if user.phone else None) if p]
    return " / ".join(parts)


def _device_line(sim: CloudSimulator, device: Device) -> str:
    state = sim.state
    details = ["online" if device.online else "offline"]
    if device.binding_code is not None:
        if device.binding_code_expires_at is None:
            details.append(f"binding code {device.binding_code} (never expires)")
        else:
            left = max(int(device.binding_code_expires_at - sim.now()), 0)
            details.append(f"binding code {device.binding_code} ({left} s left)")
    owners = [b.uid for b in state.bindings_of_device(device.pk, device.dk)]
    if owners:
        details.append("bound to " + ", ".join(owners))
    now_ms = int(sim.now() * 1000)
    shared = [
        f"{s.recipient_uid} ({s.status})"
        for s in state.shares
        if s.pk == device.pk and s.dk == device.dk and s.is_live(now_ms)
    ]
    if shared:
        details.append("shared to " + ", ".join(shared))
    if device.binding_secret is not None:
        details.append(f"stored binding secret {device.binding_secret}")
    if device.data_center not in {None, state.data_center}:
        details.append(f"data center {device.data_center}")
    return f"    {device.dk}  {device.name:<18} {'; '.join(details)}"


def _demo_lines(sim: CloudSimulator, demo: User) -> list[str]:
    domain = sim.state.user_domains[demo.user_domain]
    return [
        "",
        "Demo account (integration config flow):",
        "  region:             custom",
        f"  base URL:           {sim.url}",
        f"  user domain:        {domain.domain}",
        f"  user domain secret: {domain.secret}",
        f"  email:              {demo.email or '-'}",
        f"  phone:              {demo.phone or '-'} (international code {demo.international_code or '-'})",
        f"  password:           {demo.password}",
        f"  uid:                {demo.uid}",
    ]


def banner(sim: CloudSimulator) -> str:
    """Describe a started simulator: URL, demo account, other accounts and devices.

    Args:
        sim: The running simulator.

    Returns:
        The text (several lines, ending with a newline).
    """
    state = sim.state
    lines = [f"Quectel cloud simulator listening on {sim.url}"]
    for name, url in sim.urls.items():
        domains = sim.host_table.user_domains_of(name)
        if domains is not None:
            listed = ", ".join(sorted(domains)) or "no user domain"
            lines.append(f"  and on {url} ({name}) for {listed} (not served on {sim.url})")
    source = str(sim.data_file) if sim.data_file else "(in-memory state)"
    lines.append(f"Data: {source} (data center {state.data_center})")
    users = list(state.users.values())
    demo = state.users.get(state.demo_uid or "") or (users[0] if users else None)
    if demo is not None:
        lines += _demo_lines(sim, demo)
    others = [u for u in users if u is not demo]
    if others:
        lines += ["", "Other accounts:"]
        for user in others:
            note = "" if state.user_domains[user.user_domain].enabled else ", domain disabled"
            lines.append(f"  {user.uid}  {_account(user)}  password {user.password}  ({user.user_domain}{note})")
    lines += ["", "Devices:"]
    demo_products = state.user_domains[demo.user_domain].products if demo is not None else set()
    for product in state.products.values():
        header = f"  {product.pk}  {product.name} ({product.kind}, {BINDING_MODES.get(product.binding_mode, '?')})"
        if product.product_secret:
            header += f", product secret {product.product_secret}"
        if demo is not None and product.pk not in demo_products:
            header += f", not authorized for {demo.user_domain}"
        lines.append(header)
        lines += [_device_line(sim, d) for d in state.devices.values() if d.pk == product.pk]
    lines += ["", "Press Ctrl-C to stop."]
    return "\n".join(lines) + "\n"


async def serve(
    sim: CloudSimulator,
    host: str,
    port: int,
    *,
    stop: asyncio.Event | None = None,
    out: TextIO | None = None,
    extra_hosts: Sequence[ExtraHost] = (),
) -> None:
    """Start the simulator, print the banner and serve until SIGINT/SIGTERM (or ``stop`` is set).

    Args:
        sim: The simulator.
        host: Address to listen on.
        port: TCP port (0 for a free one).
        stop: An event that ends serving when set (a new one when ``None``).
        out: Where the banner goes (stdout when ``None``).
        extra_hosts: More listeners on ``host``: their ports and the user domains each serves.
    """
    stream = out if out is not None else sys.stdout
    stop_event = stop if stop is not None else asyncio.Event()
    loop = asyncio.get_running_loop()
    await sim.start(host, port)
    try:
        for index, (extra_port, domains) in enumerate(extra_hosts, start=1):
            await sim.start_host(f"{EXTRA_HOST_PREFIX}{index}", domains, host=host, port=extra_port)
    except BaseException:
        await sim.stop()
        raise
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop_event.set)
            installed.append(sig)
    try:
        stream.write(banner(sim))
        stream.flush()
        await stop_event.wait()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        await sim.stop()
        stream.write("Simulator stopped.\n")
        stream.flush()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI.

    Args:
        argv: Arguments (``sys.argv[1:]`` when ``None``).

    Returns:
        The exit status: 0 after a clean stop, 1 when the port cannot be opened, 2 for a bad data file.
    """
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    lifetimes = {
        "access_token_lifetime": args.access_token_lifetime,
        "refresh_token_lifetime": args.refresh_token_lifetime,
    }
    try:
        if args.data is not None:
            sim = CloudSimulator.from_file(args.data, **lifetimes)
        else:
            sim = CloudSimulator.from_demo_data(**lifetimes)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as err:
        sys.stderr.write(f"cannot load the data file: {err}\n")
        return 2
    unknown = sorted({domain for _, domains in args.extra_host for domain in domains} - set(sim.state.user_domains))
    if unknown:
        sys.stderr.write(f"--extra-host names user domains the data does not have: {', '.join(unknown)}\n")
        return 2
    try:
        asyncio.run(serve(sim, args.host, args.port, extra_hosts=args.extra_host))
    except OSError as err:
        ports = [str(args.port)] + [str(port) for port, _ in args.extra_host]
        sys.stderr.write(f"cannot listen on {args.host}:{' or '.join(ports)}: {err}\n")
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in the tests
    sys.exit(main())
