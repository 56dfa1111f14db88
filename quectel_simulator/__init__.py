"""A local stand-in for the Quectel/Acceleronix end-user ("enduserapi") cloud, for tests, benchmarks and demos.

It serves the login, token, user, device-list, home and binding/sharing calls over real HTTP with the vendor's
envelope and business codes, keeps its state in memory, and lets tests inject faults, move its clock and read every
request it received::

    from quectel_simulator import CloudSimulator, Fault

    sim = CloudSimulator.from_demo_data()
    await sim.start(host="127.0.0.1", port=0)
    sim.faults.add(Fault(kind="http_status", status=503, path="userDeviceList"))
    ...
    await sim.stop()

A user domain can live on a second host name (``await sim.start_host("iot-api.quecteleu.com", ["E.DM.90002.1"])``):
another listener over the same state that serves only the domains it is given, while the first one answers their
logins 5015, as the real cloud answers a user domain of another data center.

Run ``python -m quectel_simulator`` for a foreground server with the demo account. The package does not use the
integration's client: its cryptography is written independently so the two cross-check each other.

Modules: ``simulator`` (:class:`CloudSimulator`, the lifecycle), ``app`` (route table and app factory), ``params``
(request readers), ``routes_auth`` / ``routes_devices`` / ``routes_binding`` / ``routes_sharing`` (the handlers by
concern, on the ``backend`` base), ``binding_fields`` (bind parameter checks), ``hosts`` (listeners and which user
domains each serves), ``state`` and ``model`` (the in-memory data), ``data_file`` (the TOML loader), ``tokens``,
``crypto``, ``codes``, ``faults``, ``recording``; ``routes_control`` (loopback-only routes for simulated devices in
another process, which reach them through ``remote_cloud``; their paths in ``control_paths``).
"""

from .codes import MESSAGES, ApiError, envelope
from .faults import Fault, FaultSet
from .recording import RecordedRequest
from .simulator import DEMO_DATA, CloudSimulator
from .state import (
    Binding,
    Clock,
    Device,
    Family,
    Product,
    Room,
    Share,
    SimulatorState,
    User,
    UserDomain,
)

__all__ = [
    "DEMO_DATA",
    "MESSAGES",
    "ApiError",
    "Binding",
    "Clock",
    "CloudSimulator",
    "Device",
    "Family",
    "Fault",
    "FaultSet",
    "Product",
    "RecordedRequest",
    "Room",
    "Share",
    "SimulatorState",
    "User",
    "UserDomain",
    "envelope",
]
