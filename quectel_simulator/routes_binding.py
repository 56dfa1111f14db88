"""Binding routes: ``bindDeviceDk``, ``v2/deviceBindingByWifi``, ``deviceBindingByPureBt`` and ``unbundlingDeviceDk``.

Every bind runs the same state checks (:meth:`BindingRoutes._bind_state`) after its own missing and format checks
(:mod:`quectel_simulator.binding_fields`).
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any, Final

from .backend import Routes, check_signature
from .binding_fields import PureBtFields, bind_params, body_bind_params, family_ids, matter_info, parse_binding_secret
from .codes import ApiError
from .crypto import DecryptError, ble_decrypt, ble_signature, new_auth_key
from .model import (
    BINDING_MODE_ROTATION,
    BINDING_MODE_UNIQUE,
    BINDING_TYPE_BLE,
    BINDING_TYPE_DK,
    BINDING_TYPE_WIFI,
    ROLE_MEMBER,
    Binding,
)
from .params import BINDING_CODE_RE, bool_param, json_object, query_params, required_param, text_param

if TYPE_CHECKING:
    from aiohttp import web

    from .binding_fields import BindParams
    from .model import Device, Product, User

PRODUCT_KIND_BLE: Final = "ble"
"""The product kind whose devices are Bluetooth-only (unbinding them needs reset credentials)."""


class BindingRoutes(Routes):
    """The four bind endpoints' shared checks and bookkeeping, and the handlers."""

    def _check_family(self, user: User, fid: str | None, frid: str | None) -> None:
        """Home checks of a bind: home mode off 5624, unknown home 5041, member role 5669, unknown room 5041."""
        if fid is None:
            return
        if not user.family_mode:
            raise ApiError(5624)
        family = self.state.families.get(fid)
        if family is None or user.uid not in family.members:
            raise ApiError(5041)
        if family.members[user.uid] == ROLE_MEMBER:
            raise ApiError(5669)
        if frid is not None and family.room(frid) is None:
            raise ApiError(5041)

    def _bind_state(self, user: User, params: BindParams) -> tuple[Product, Device]:
        """State checks every bind shares, in order.

        Unknown product or device 5314; product not authorized for the caller's domain 5229; device in another data
        center 6083; home checks (5624, 5041, 5669); device already received through an accepted share 6040;
        already bound by the caller 5049; unique-binding product bound by someone else 5412.
        """
        state = self.state
        product = state.products.get(params.pk)
        device = state.devices.get((params.pk, params.dk))
        if product is None or device is None:
            raise ApiError(5314)
        if params.pk not in state.user_domains[user.user_domain].products:
            raise ApiError(5229)
        if device.data_center not in {None, state.data_center}:
            raise ApiError(6083)
        self._check_family(user, params.fid, params.frid)
        now_ms = self.backend.clock.now_ms()
        if any(s.pk == params.pk and s.dk == params.dk for s in state.accepted_shares_to(user.uid, now_ms)):
            raise ApiError(6040)
        if state.binding_of(user.uid, params.pk, params.dk) is not None:
            raise ApiError(5049)
        if product.binding_mode == BINDING_MODE_UNIQUE and any(
            b.uid != user.uid for b in state.bindings_of_device(params.pk, params.dk)
        ):
            raise ApiError(5412)
        return product, device

    def _check_binding_code(self, device: Device, code: str) -> None:
        """Compare with the code the device reported: none 5460, expired 5461, different 5462."""
        if device.binding_code is None:
            raise ApiError(5460)
        if device.binding_code_expires_at is not None and self.backend.clock.now() >= device.binding_code_expires_at:
            raise ApiError(5461)
        if not hmac.compare_digest(code.encode(), device.binding_code.encode()):
            raise ApiError(5462)

    def _bind(
        self,
        user: User,
        product: Product,
        device: Device,
        params: BindParams,
        binding_type: int,
        *,
        verified: int = 1,
        binding_code: str = "",
        bt_pwd: str = "",
        matter_info: dict[str, Any] | None = None,
    ) -> Binding:
        """Record a new own binding (rotation products drop the previous owners first).

        The device keeps one authKey while it has bindings: a new binding reuses it, a first one gets a new key.
        """
        state = self.state
        if product.binding_mode == BINDING_MODE_ROTATION:
            state.remove_bindings_of_device(device.pk, device.dk, except_uid=user.uid)
        others = state.bindings_of_device(device.pk, device.dk)
        binding = Binding(
            uid=user.uid,
            pk=device.pk,
            dk=device.dk,
            auth_key=others[0].auth_key if others else new_auth_key(),
            binding_type=binding_type,
            verified=verified,
            name=params.name or device.name or product.name,
            fid=params.fid,
            frid=params.frid,
            bound_at=self.backend.clock.now(),
            capabilities=params.capabilities,
            is_common=params.is_common,
            binding_code=binding_code,
            bt_pwd=bt_pwd,
            matter_info=matter_info,
        )
        state.bindings.append(binding)
        return binding

    def bind_device_dk(self, request: web.Request) -> dict[str, Any]:
        """``POST bindDeviceDk`` (query parameters only).

        Order: 5106/5032; pk 5066; dk 5067; frid without fid 5636; DK format 5361; name > 254 5333;
        capabilitiesBitmask not 1..15 5000; isCommonDevice not a boolean 5000; then the shared state checks
        (5314, 5229, 6083, 5624, 5041, 5669, 6040, 5049, 5412). Success: ``{"authKey"}``.
        """
        user = self.authenticate(request)
        params = query_params(request)
        pk = required_param(params.get("pk"), 5066)
        dk = required_param(params.get("dk"), 5067)
        fid, frid = family_ids(params.get("fid"), params.get("frid"))
        bind = bind_params(
            pk,
            dk,
            name=params.get("name"),
            capabilities=params.get("capabilitiesBitmask"),
            fid=fid,
            frid=frid,
            is_common=params.get("isCommonDevice"),
        )
        product, device = self._bind_state(user, bind)
        binding = self._bind(user, product, device, bind, BINDING_TYPE_DK)
        return {"authKey": binding.auth_key}

    def bind_wifi(self, request: web.Request) -> dict[str, Any]:
        """``POST v2/deviceBindingByWifi`` (JSON body only).

        Order: 5106/5032; productKey 5066; deviceKey 5067; bindingCode 5179; isMatter not a boolean 5000; with
        isMatter true, matterInfo members discriminator 5879, matterProductId 5880, matterVersion 5881,
        matterVendorId 5882, fabricId 5883, nodeId 5885; frid without fid 5636; DK 5361; name 5333;
        capabilities 5000; bindingCode not 16 of 0-9A-F 5213; the shared state checks; then the device's code:
        never reported 5460, expired 5461, different 5462. Success: ``{authKey, bindingMode, productName,
        productLogo}``.
        """
        user = self.authenticate(request)
        body = json_object(request)
        pk = required_param(body.get("productKey"), 5066)
        dk = required_param(body.get("deviceKey"), 5067)
        code = required_param(body.get("bindingCode"), 5179)
        matter = matter_info(body)
        bind = body_bind_params(body, pk, dk)
        if not BINDING_CODE_RE.fullmatch(code):
            raise ApiError(5213)
        product, device = self._bind_state(user, bind)
        self._check_binding_code(device, code)
        binding = self._bind(user, product, device, bind, BINDING_TYPE_WIFI, binding_code=code, matter_info=matter)
        return {
            "authKey": binding.auth_key,
            "bindingMode": product.binding_mode,
            "productName": product.name,
            "productLogo": product.logo,
        }

    def bind_pure_bt(self, request: web.Request) -> dict[str, Any]:
        """``POST deviceBindingByPureBt`` (JSON body only).

        Order: 5106/5032; pk 5066; dk 5067; random 5179; signature 5550; neither bindingCode nor
        encryptedBindingCode 5179; encryptedNewBindingSecret 5458; frid without fid 5636; DK 5361; name 5333;
        capabilities 5000; pwd not 4-16 letters/digits 5357; a clear bindingCode not 16 of 0-9A-F 5213; signature
        wrong 5420 (``sha256(pk + dk + (encryptedBindingCode or bindingCode) + pwd + secret)``); the shared state
        checks; encryptedBindingCode not decrypting (AES-128-CBC, key = Product Secret, iv = random) to 16 of 0-9A-F
        5213; the device's code 5460/5461/5462; encryptedNewBindingSecret not decrypting to ``"PK,DK,secret"`` of
        this device 5459; the device has a stored secret and encryptedOldBindingSecret does not decrypt to it 5462.

        Success stores the new secret and answers ``{"verified": 1}``, or 0 when the device had a stored secret and
        no old one was sent.
        """
        user = self.authenticate(request)
        fields = PureBtFields.from_body(json_object(request))
        signed_code = fields.encrypted_code if fields.encrypted_code is not None else fields.clear_code or ""
        secret = self.state.user_domains[user.user_domain].secret
        expected = ble_signature(fields.bind.pk, fields.bind.dk, signed_code, fields.pwd or "", secret)
        check_signature(fields.signature, expected)
        product, device = self._bind_state(user, fields.bind)
        product_secret = product.product_secret or ""
        code = fields.binding_code(product_secret)
        self._check_binding_code(device, code)
        binding_secret = fields.new_binding_secret(product_secret)
        verified = 1
        if device.binding_secret is not None:
            if fields.old_secret is None:
                verified = 0
            elif fields.decrypt_secret(fields.old_secret, product_secret) != device.binding_secret:
                raise ApiError(5462)
        device.binding_secret = binding_secret
        self._bind(
            user,
            product,
            device,
            fields.bind,
            BINDING_TYPE_BLE,
            verified=verified,
            binding_code=code,
            bt_pwd=fields.pwd or "",
        )
        return {"verified": verified}

    def unbind_device_dk(self, request: web.Request) -> dict[str, Any]:
        """``DELETE unbundlingDeviceDk`` (query parameters only).

        Order: 5106/5032; pk 5066; dk 5067; isInit (default false) not a boolean 5000; the caller has no own binding
        of the device 5052; a device of a pure-BLE product without pureBtResetCredentials and random, or whose
        credentials do not decrypt (AES-128-CBC, key = Product Secret, iv = random) to ``"PK,DK,bindingSecret"`` of
        this device (with its stored binding secret, when it has one) 5050.

        Success drops the caller's binding and revokes the shares the caller made of the device; isInit true also
        initialises the device (every binding and share of it ends, a pure-BLE binding secret is forgotten). Answers
        ``{"bindingSum"}``: the users still bound afterwards (own bindings plus accepted live shares).
        """
        user = self.authenticate(request)
        params = query_params(request)
        pk = required_param(params.get("pk"), 5066)
        dk = required_param(params.get("dk"), 5067)
        is_init = bool_param(params.get("isInit"), default=False)
        state = self.state
        if state.binding_of(user.uid, pk, dk) is None:
            raise ApiError(5052)
        product = state.products[pk]
        if product.kind == PRODUCT_KIND_BLE:
            self._check_reset_credentials(state.devices[pk, dk], product, params)
        if is_init:
            state.reset_device(pk, dk)
        else:
            state.remove_binding(user.uid, pk, dk)
        now_ms = self.backend.clock.now_ms()
        shared = state.accepted_shares_of_device(pk, dk, now_ms)
        return {"bindingSum": len(state.bindings_of_device(pk, dk)) + len(shared)}

    @staticmethod
    def _check_reset_credentials(device: Device, product: Product, params: dict[str, str]) -> None:
        """5050 unless the pure-BLE reset credentials decrypt to this device's ``"PK,DK,bindingSecret"``."""
        credentials = text_param(params.get("pureBtResetCredentials"))
        random = text_param(params.get("random"))
        if credentials is None or random is None:
            raise ApiError(5050)
        try:
            plain = ble_decrypt(credentials, product.product_secret or "", random)
        except DecryptError as err:
            raise ApiError(5050) from err
        secret = parse_binding_secret(plain, device.pk, device.dk)
        if secret is None or (device.binding_secret is not None and secret != device.binding_secret):
            raise ApiError(5050)
