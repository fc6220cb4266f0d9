"""Keeping robots and floods out of public forms without a third-party captcha.

Used by every public form (ideas, joining a project, workshop registrations, donations).
Four checks, each answered kindly in French by the view, with nothing stored:
- a honeypot field, hidden from people and assistive technology by the stylesheet;
- a minimum fill time, from a signed timestamp put in the form when it is shown;
- a per-IP rate limit counted in Django's cache (Redis when REDIS_URL is set, so
  every app server shares the count);
- a cap on the request body, checked before the body is parsed.

`screen()` runs them all, in one order, for a form that has the four (ideas, joining a
project); the view turns its verdict into its own French refusal.
"""

import enum
import hashlib
import ipaddress
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.utils.crypto import salted_hmac

from home.client_ip import client_ip

HONEYPOT_FIELD = "site_internet"
STARTED_FIELD = "form_started"

MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 12 * 3600
_SIGNING_SALT = "home.form.started"

# The longest legitimate submission (5,000 emoji in the description, percent-encoded
# at 12 bytes each, plus every other field at its maximum) is about 68 KB.
MAX_BODY_BYTES = 128 * 1024


# --- honeypot ----------------------------------------------------------------------


def honeypot_filled(data) -> bool:
    value = data.get(HONEYPOT_FIELD, "")
    return bool(value.strip()) if isinstance(value, str) else bool(value)


# --- minimum fill time -------------------------------------------------------------


class FillTime(enum.Enum):
    OK = "ok"
    TOO_FAST = "too_fast"
    INVALID = "invalid"  # missing, forged, or older than MAX_FORM_AGE_SECONDS


def start_token(*, scope: str, now: float | None = None) -> str:
    """A signed record of when the form was shown, bound to what it is for (`scope`,
    e.g. "idea:12") and carrying a random nonce, so it can be spent only once."""
    started = time.time() if now is None else now
    return signing.dumps(
        {"t": started, "c": scope, "n": secrets.token_urlsafe(9)},
        salt=_SIGNING_SALT,
        compress=False,
    )


def check_fill_time(token: str, *, scope: str, now: float | None = None) -> FillTime:
    now = time.time() if now is None else now
    payload = _read_token(token)
    if payload is None or payload.get("c") != scope:
        return FillTime.INVALID
    started = payload.get("t")
    if not isinstance(started, int | float):
        return FillTime.INVALID
    elapsed = now - started
    if elapsed > MAX_FORM_AGE_SECONDS:
        return FillTime.INVALID
    if elapsed < MIN_FILL_SECONDS:
        return FillTime.TOO_FAST
    return FillTime.OK


def spend_token(token: str) -> bool:
    """Mark a start token as used by one submission; False if it already was (a form
    replayed, a script posting one token many times). Shared by every app server
    through the cache (Redis in production)."""
    return cache.add(_spent_key(token), 1, timeout=MAX_FORM_AGE_SECONDS + 60)


def _read_token(token) -> dict | None:
    if not isinstance(token, str) or not token or len(token) > 300:
        return None
    try:
        payload = signing.loads(token, salt=_SIGNING_SALT, max_age=MAX_FORM_AGE_SECONDS)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return payload if isinstance(payload, dict) else None


def _spent_key(token: str) -> str:
    return "form-token-spent:" + hashlib.sha256(token.encode()).hexdigest()[:40]


# --- rate limit --------------------------------------------------------------------


def client_network(request) -> str:
    """IPv4 address, or the /64 of an IPv6 address (one household or one phone)."""
    raw = client_ip(request)
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64] or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per client network in `window` seconds, counted in the cache.

    The counter starts with the first hit and expires `window` seconds later. With
    Redis, `incr` is atomic, so concurrent requests on several servers cannot both
    slip under the limit.
    """

    scope: str
    limit: int
    window: int

    def key(self, request) -> str:
        return self.key_for(client_network(request))

    def key_for(self, value: str) -> str:
        # A keyed hash: the cache never holds a readable IP or email address.
        digest = salted_hmac(f"ratelimit:{self.scope}", value, algorithm="sha256").hexdigest()
        return f"ratelimit:{self.scope}:{digest[:32]}"

    def hit(self, request) -> bool:
        """Count one hit from this client's network; False when it goes over the limit."""
        return self.hit_value(client_network(request))

    def hit_value(self, value: str) -> bool:
        """Count one hit for `value` (an email address...); False over the limit."""
        key = self.key_for(value)
        cache.add(key, 0, timeout=self.window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=self.window)
            count = 1
        return count <= self.limit

    def reset(self, request) -> None:
        cache.delete(self.key(request))


# --- request body ------------------------------------------------------------------


def body_too_large(request, limit: int = MAX_BODY_BYTES) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > limit


def read_post(request):
    """request.POST, or None when Django refuses to parse it (too big, too many fields)."""
    try:
        return request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        return None


def read_post_within_limit(request):
    """request.POST, or None when the body is over MAX_BODY_BYTES or unreadable."""
    return None if body_too_large(request) else read_post(request)


# --- all four, in order ------------------------------------------------------------


@dataclass(frozen=True)
class Screening:
    """What the checks say about a public form's POST.

    `refusal` is "" when the submission may go on, else "too_large", "honeypot",
    "invalid" (the form's own errors), "too_fast", "stale" (a start token missing,
    forged or expired) or "rate_limited"; `status` is the HTTP status to answer with;
    `started` the start token to put back in the re-shown form (None: a fresh one);
    `retry_after` the seconds for the Retry-After header of a rate-limited answer.
    """

    refusal: str = ""
    status: int = 200
    started: str | None = None
    retry_after: int | None = None

    @property
    def passed(self) -> bool:
        return not self.refusal

    def stamp(self, response):
        """Give the page re-shown with the refusal its status (and Retry-After)."""
        response.status_code = self.status
        if self.retry_after:
            response["Retry-After"] = str(self.retry_after)
        return response


def screen(request, data, form, *, scope: str, rate_limit: RateLimit) -> Screening:
    """Run the checks of a public form, cheapest first: the body (`data` is None when
    `read_post_within_limit` refused it), the honeypot, the form's own validation, the
    fill time of the start token bound to `scope`, then the rate limit (counted only for
    a submission that passed everything else). The token is not spent here: the view
    spends it when it acts, and decides what a replay means."""
    if data is None:
        return Screening("too_large", 413 if body_too_large(request) else 400)
    started = data.get(STARTED_FIELD, "")
    if honeypot_filled(data):
        return Screening("honeypot", 400, started)
    if not form.is_valid():
        return Screening("invalid", 400, started)
    timing = check_fill_time(started, scope=scope)
    if timing is FillTime.TOO_FAST:
        return Screening("too_fast", 400, started)  # waiting is enough: keep its start
    if timing is not FillTime.OK:
        return Screening("stale", 400)
    if not rate_limit.hit(request):
        return Screening("rate_limited", 429, started, retry_after=rate_limit.window)
    return Screening(started=started)
