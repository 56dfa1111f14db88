"""Sign-in routes: email and phone password login, token refresh, and the caller's profile (``userInfo``).

A listener that does not serve a user domain (``CloudSimulator.start_host`` put it on another host name) answers its
logins 5015, "The user domain does not exist", exactly as for a domain unknown everywhere. That is what the real cloud
answers a user domain of another data center: a user domain and its secret belong to one data center (cloud_api.md
1, 3.1), the vendor lists no other code for it (cloud_error_codes.tsv), and the third-party client that falls back
(``jordankurtz/ha-pecron-local``, cloud_api.md 3.1 and 10) moves on on 5015. Its 5031 and 5420 do not come from a
foreign host: 5031 is an account missing from a domain this host knows, 5420 a signature made with another secret.
A wrong password or a lockout is only answered by a host that knows the domain (5586..5583 / 5582..5579, then 5147).
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any, Final

from .backend import Routes, check_signature
from .codes import ApiError
from .crypto import DecryptError, decrypt_login_password, email_login_signature, phone_login_signature
from .params import USER_DOMAIN_RE, epoch_ms, format_time, query_or_form_params, required_param

if TYPE_CHECKING:
    from aiohttp import web

    from .model import User, UserDomain

MAX_LOGIN_FAILURES: Final = 5
"""Wrong passwords in a row that lock the account (the fifth answers 5147)."""
LOCKOUT_SECONDS: Final = 20 * 60
"""How long a locked account stays locked."""
EMAIL_COUNTDOWN_FIRST: Final = 5586
"""Code of the first wrong email password (4 attempts left); the next ones count down to 5583."""
PHONE_COUNTDOWN_FIRST: Final = 5582
"""Code of the first wrong phone password (4 attempts left); the next ones count down to 5579."""


class AuthRoutes(Routes):
    """``emailPwdLogin``, ``phonePwdLogin``, ``refreshToken`` and ``userInfo``."""

    def _login_domain(self, params: dict[str, str]) -> UserDomain:
        """The login's user domain: missing 5023, malformed 5013, unknown (or not served here) 5015, disabled 5104."""
        name = required_param(params.get("userDomain"), 5023)
        if not USER_DOMAIN_RE.fullmatch(name):
            raise ApiError(5013)
        domain = self.state.user_domains.get(name)
        if domain is None or not self.backend.serves(self.host, name):
            raise ApiError(5015)
        if not domain.enabled:
            raise ApiError(5104)
        return domain

    def _finish_login(self, user: User, password: str, first_countdown_code: int) -> dict[str, Any]:
        """Check the password against the lockout rules and issue tokens.

        Locked (20 minutes of the simulator's clock) 5147, even with the right password; a wrong password counts
        down ``first_countdown_code`` .. ``first_countdown_code - 3`` and the fifth in a row locks (5147). A success
        resets the count.
        """
        now = self.backend.clock.now()
        if user.locked_until is not None:
            if now < user.locked_until:
                raise ApiError(5147)
            user.locked_until = None
            user.failed_logins = 0
        if not hmac.compare_digest(password.encode(), user.password.encode()):
            user.failed_logins += 1
            if user.failed_logins >= MAX_LOGIN_FAILURES:
                user.failed_logins = 0
                user.locked_until = now + LOCKOUT_SECONDS
                raise ApiError(5147)
            raise ApiError(first_countdown_code - (user.failed_logins - 1))
        user.failed_logins = 0
        user.last_login_at = now
        return self.backend.tokens.issue_pair(user.uid)

    @staticmethod
    def _login_password(pwd: str, random: str) -> str:
        """The clear password of a login; 5056 when ``pwd`` does not decrypt."""
        try:
            password = decrypt_login_password(pwd, random)
        except DecryptError as err:
            raise ApiError(5056) from err
        if not password:
            raise ApiError(5056)
        return password

    def email_login(self, request: web.Request) -> dict[str, Any]:
        """``POST emailPwdLogin`` (query, or form body).

        Order: userDomain 5023/5013/5015/5104; email missing 5026; pwd missing 5022; signature missing 5550, wrong
        5420 (``sha256(email + pwd + random + secret)``, pwd as sent); pwd undecryptable 5056 (line breaks skipped);
        email not registered in the domain 5031; locked 5147; wrong password 5586..5583, then 5147.
        """
        params = query_or_form_params(request)
        domain = self._login_domain(params)
        email = required_param(params.get("email"), 5026)
        pwd = required_param(params.get("pwd"), 5022)
        random = params.get("random", "")
        signature = required_param(params.get("signature"), 5550)
        check_signature(signature, email_login_signature(email, pwd, random, domain.secret))
        password = self._login_password(pwd, random)
        user = self.state.user_by_email(domain.domain, email)
        if user is None:
            raise ApiError(5031)
        return self._finish_login(user, password, EMAIL_COUNTDOWN_FIRST)

    def phone_login(self, request: web.Request) -> dict[str, Any]:
        """``POST phonePwdLogin`` (query, or form body).

        Order: userDomain 5023/5013/5015/5104; phone missing 5021; pwd missing 5022; signature missing 5550, wrong
        5420 (``sha256(internationalCode + phone + pwd + random + secret)``, internationalCode "" when absent, pwd as
        sent); pwd undecryptable 5056 (line breaks skipped); phone not registered 5004 (matched with the international
        code when one is sent, a leading ``+`` ignored); locked 5147; wrong password 5582..5579, then 5147.
        """
        params = query_or_form_params(request)
        domain = self._login_domain(params)
        phone = required_param(params.get("phone"), 5021)
        pwd = required_param(params.get("pwd"), 5022)
        random = params.get("random", "")
        code = params.get("internationalCode", "")
        signature = required_param(params.get("signature"), 5550)
        check_signature(signature, phone_login_signature(code, phone, pwd, random, domain.secret))
        password = self._login_password(pwd, random)
        user = self.state.user_by_phone(domain.domain, phone, code.removeprefix("+") or None)
        if user is None:
            raise ApiError(5004)
        return self._finish_login(user, password, PHONE_COUNTDOWN_FIRST)

    def refresh_token(self, request: web.Request) -> dict[str, Any]:
        """``PUT refreshToken`` (query, or form body).

        ``refreshToken`` missing 5115; not a refresh token issued here, expired, revoked or already used, or one of a
        user this listener does not serve 5032 (and then it stays usable where it belongs). The token given is used
        up; the answer carries a new access and refresh token.
        """
        params = query_or_form_params(request)
        value = required_param(params.get("refreshToken"), 5115)
        user = self.known_user(self.backend.tokens.refresh_uid(value))
        if user is None:
            raise ApiError(5032)
        self.backend.tokens.use_refresh(value)
        return self.backend.tokens.issue_pair(user.uid)

    def user_info(self, request: web.Request) -> dict[str, Any]:
        """``GET userInfo``: the caller's profile (5106/5032 only)."""
        user = self.authenticate(request)
        return {
            "uid": user.uid,
            "nikeName": user.nickname,
            "email": user.email,
            "phone": user.phone,
            "headimg": "",
            "lang": user.lang,
            "nationality": user.nationality,
            "timezone": user.timezone,
            "sex": 2,
            "signature": "",
            "status": 1,
            "address": "",
            "city": "",
            "province": "",
            "remark": "",
            "registerTime": format_time(user.registered_at),
            "registerTimeTs": epoch_ms(user.registered_at),
            "lastLoginTime": format_time(user.last_login_at),
            "lastLoginTimeTs": epoch_ms(user.last_login_at),
        }
