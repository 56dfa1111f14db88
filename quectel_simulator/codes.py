"""Business codes the simulator answers with, and their messages.

The messages are copied from the vendor's published error list (``cloud_error_codes.tsv`` in the project's
reference folder); only the codes this simulator can produce, plus a few that are handy for fault injection, are kept
here. Every response the simulator writes for a handled request is the vendor's envelope::

    {"code": <int>, "msg": <str>, "data": <any|null>, "extMsg": <str|null>}
"""

from __future__ import annotations

import json
from typing import Any, Final

SUCCESS: Final = 200
"""The envelope code of a successful call."""

MESSAGES: Final[dict[int, str]] = {
    200: "success",
    4007: "The device is not bound.",
    4026: "Insufficient resources in the manufacturer's account.",
    5000: "Service exception.",
    5004: "The mobile number is not registered.",
    5009: "Device verification failed.",
    5013: "Incorrect user domain format.",
    5015: "The user domain does not exist.",
    5021: "Please input your mobile number.",
    5022: "Please input your password.",
    5023: "Please input your user domain.",
    5026: "Please input your email address.",
    5031: "The email address is not registered.",
    5032: "Token verification failed.",
    5033: "The user does not exist.",
    5041: "Permission denied.",
    5048: "Failed to bind device.",
    5049: "The device is bound.",
    5050: "Failed to unbind device.",
    5052: "Device is not bound.",
    5056: "Incorrect password format. Please enter 6-20 letters, numbers or special characters.",
    5066: "Please input the ProductKey.",
    5067: "Please input the DeviceKey.",
    5104: "User domain is disabled.",
    5106: "Please input the token.",
    5115: "Please input the refreshed token.",
    5133: "Value of coverage flag is out of allowable range.",
    5134: "Failed to add device sharing information.",
    5136: "Please input the share code.",
    5137: "Invalid share code.",
    5138: "Failed to share the device.",
    5141: "The account has limited permission on querying this device.",
    5142: "Expired sharing.",
    5145: "Incorrect timestamp format.",
    5147: "Your account has been temporarily locked. Please try again after 20 minutes.",
    5148: "The current IP address is blocked. Please try again in 20 minutes.",
    5151: (
        "The coverage flag is 3, and the expiration time of the share code used by the device cannot be less than "
        "the expiration time of the previously used share code."
    ),
    5179: "Please input the bindingCode.",
    5213: "Incorrect bindingCode format.",
    5229: "User domain does not authorize this product.",
    5314: "Failed to query device in Developer Center.",
    5325: (
        "Access to the page you attempted to use has been temporarily blocked due to abnormal behavior that may "
        "pose a security risk. Please try again in 24 hours."
    ),
    5327: "The account has limited permission on this product.",
    5333: "Device name exceeds length limit.",
    5357: "Incorrect pwd format.",
    5358: "No product permission.",
    5360: "Unauthenticated device cannot be shared or bound.",
    5361: "Incorrect DK format.",
    5412: "Product binding mode is single binding mode and cannot be bound repeatedly.",
    5420: "Signature verification failed.",
    5458: "Please input bindingSecret.",
    5459: "Incorrect bindingSecret format.",
    5460: "bindingCode is not reported.",
    5461: "Expired bindingCode.",
    5462: "bindingCode verification failed.",
    5465: "bindingSecret is not reported.",
    5550: "Please enter signature",
    5579: "Phone number or password incorrect, you have 1 more attempt",
    5580: "Phone number or password incorrect, you have 2 more attempts",
    5581: "Phone number or password incorrect, you have 3 more attempts",
    5582: "Phone number or password incorrect, you have 4 more attempts",
    5583: "Incorrect email or password, you have 1 more attempt",
    5584: "Incorrect email or password, you have 2 more attempts",
    5585: "Incorrect email or password, you have 3 more attempts",
    5586: "Incorrect email or password, you have 4 more attempts",
    5618: "Please enter Home ID",
    5624: "Home mode not enabled",
    5636: "Please enter family ID",
    5669: "Regular user has no permission to bind device",
    5671: "User does not have permission for this family",
    5864: "Family member cannot accept family device share",
    5879: "Please enter device identifier",
    5880: "Please enter Matter device product ID",
    5881: "Please enter Matter version number",
    5882: "Please enter vendor",
    5883: "Please enter fabricId",
    5885: "Node ID cannot be empty",
    5891: "Please enter recipient's uid, email, or phone",
    5893: "Failed to add common device",
    6040: "Already accepted device sharing",
    6083: "Bound device does not belong to current data center",
}
"""Message per business code (English, as published)."""

JSON_CONTENT_TYPE: Final = "application/json;charset=UTF-8"
"""The content type of every envelope (as the Wi-Fi binding page documents)."""


def message_for(code: int) -> str:
    """Return the published message of a business code.

    Args:
        code: The business code.

    Returns:
        The message, or a generic text for a code outside the table.
    """
    return MESSAGES.get(code, f"Error {code}.")


class ApiError(Exception):
    """A business refusal: the handler stops and the envelope carries ``code``.

    Attributes:
        code: The business code to answer with.
        msg: The message (the published one unless overridden).
    """

    def __init__(self, code: int, msg: str | None = None) -> None:
        """Create the refusal.

        Args:
            code: The business code.
            msg: A message overriding the published one.
        """
        self.code = code
        self.msg = msg if msg is not None else message_for(code)
        super().__init__(f"{code}: {self.msg}")


def envelope(code: int, data: Any = None, msg: str | None = None) -> dict[str, Any]:
    """Build the vendor's response envelope.

    Args:
        code: The business code (200 on success).
        data: The ``data`` member.
        msg: The message; the published one of ``code`` when ``None``.

    Returns:
        The envelope as a dict.
    """
    return {"code": code, "msg": msg if msg is not None else message_for(code), "data": data, "extMsg": None}


def dump_json(value: Any) -> str:
    """Serialise a value the way the simulator writes bodies (compact, UTF-8 kept as is).

    Args:
        value: A JSON-serialisable value.

    Returns:
        The JSON text.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
