"""Keeping robots and floods out of the idea form without a third-party captcha.

Four checks, each with a kind French answer and nothing stored:
- a honeypot field, hidden from people and assistive technology by the stylesheet;
- a minimum fill time, from a signed timestamp put in the form when it is shown;
- a per-IP rate limit counted in Django's cache (Redis when REDIS_URL is set, so
  every app server shares the count);
- a cap on the request body, checked before the body is parsed.
"""

import enum
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

HONEYPOT_FIELD = "site_internet"
STARTED_FIELD = "form_started"

MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 12 * 3600
_SIGNING_SALT = "projects.idea-form.started"

# The longest legitimate submission (5,000 emoji in the description, percent-encoded
# at 12 bytes each, plus every other field at its maximum) is about 68 KB.
MAX_BODY_BYTES = 128 * 1024


# --- honeypot ----------------------------------------------------------------------


def honeypot_filled(data) -> bool:
    return bool(data.get(HONEYPOT_FIELD, "").strip())


# --- minimum fill time -------------------------------------------------------------


class FillTime(enum.Enum):
    OK = "ok"
    TOO_FAST = "too_fast"
    INVALID = "invalid"  # missing, forged, or older than MAX_FORM_AGE_SECONDS


def start_token(*, call_id: int, now: float | None = None) -> str:
    """A signed record of when the form was shown, bound to the call."""
    started = time.time() if now is None else now
    return signing.dumps({"t": started, "c": call_id}, salt=_SIGNING_SALT, compress=False)


def check_fill_time(token: str, *, call_id: int, now: float | None = None) -> FillTime:
    now = time.time() if now is None else now
    if not token or len(token) > 200:
        return FillTime.INVALID
    try:
        payload = signing.loads(token, salt=_SIGNING_SALT, max_age=MAX_FORM_AGE_SECONDS)
    except signing.BadSignature:  # also SignatureExpired
        return FillTime.INVALID
    if not isinstance(payload, dict) or payload.get("c") != call_id:
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


# --- rate limit --------------------------------------------------------------------


def client_ip(request) -> str:
    """The client's address. Behind N trusted reverse proxies (settings.TRUSTED_PROXY_COUNT),
    the Nth address from the right of X-Forwarded-For; never a value the client chose."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


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
        # A keyed hash: the cache never holds a readable IP address.
        digest = salted_hmac(
            f"ratelimit:{self.scope}", client_network(request), algorithm="sha256"
        ).hexdigest()
        return f"ratelimit:{self.scope}:{digest[:32]}"

    def hit(self, request) -> bool:
        """Count one hit; False when it goes over the limit."""
        key = self.key(request)
        cache.add(key, 0, timeout=self.window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=self.window)
            count = 1
        return count <= self.limit

    def reset(self, request) -> None:
        cache.delete(self.key(request))


idea_rate_limit = RateLimit(scope="ideas", limit=5, window=3600)
# A family or a team may register together: more room than for ideas.
registration_rate_limit = RateLimit(scope="workshops", limit=10, window=3600)


# --- request body ------------------------------------------------------------------


def body_too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_BODY_BYTES


def read_post(request):
    """request.POST, or None when Django refuses to parse it (too big, too many fields)."""
    try:
        return request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        return None


# --- what the visitor reads --------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """A refusal shown above the form: a title and what to do next."""

    title: str
    message: str

    @classmethod
    def call_closed(cls, call) -> "Refusal":
        if call.state() == "upcoming":
            return cls(
                _("Cet appel n'est pas encore ouvert"),
                _(
                    "Votre idée n'a pas été enregistrée : cet appel ouvre le %(date)s. "
                    "Revenez à partir de cette date, nous serons heureux de vous lire."
                )
                % {"date": date_format(call.opens_on, "j F Y")},
            )
        return cls(
            _("Cet appel est clos"),
            _(
                "Votre idée n'a pas été enregistrée : cet appel a fermé le %(date)s. "
                "Consultez les appels ouverts ou écrivez-nous : les bonnes idées sont "
                "toujours les bienvenues."
            )
            % {"date": date_format(call.closes_on, "j F Y")},
        )

    @classmethod
    def too_large(cls) -> "Refusal":
        return cls(
            _("Votre envoi est trop volumineux"),
            _(
                "Votre idée n'a pas été enregistrée : le formulaire envoyé dépasse %(size)s Ko. "
                "La description est limitée à %(max)s caractères. Revenez à la page "
                "précédente de votre navigateur pour retrouver votre texte, raccourcissez-le, "
                "puis renvoyez-le."
            )
            % {"size": MAX_BODY_BYTES // 1024, "max": "5 000"},
        )

    @classmethod
    def honeypot(cls) -> "Refusal":
        return cls(
            _("Votre idée n'a pas été enregistrée"),
            _(
                "Le champ « Laissez ce champ vide » a été rempli, ce que font les robots. "
                "Videz-le, vérifiez votre idée puis renvoyez-la."
            ),
        )

    @classmethod
    def timing(cls, result: FillTime) -> "Refusal":
        if result is FillTime.TOO_FAST:
            return cls(
                _("Votre idée n'a pas encore été enregistrée"),
                _(
                    "Le formulaire a été envoyé en moins de %(seconds)s secondes, ce que font "
                    "les robots. Relisez votre idée, puis renvoyez-la."
                )
                % {"seconds": MIN_FILL_SECONDS},
            )
        return cls(
            _("Votre idée n'a pas encore été enregistrée"),
            _(
                "Le formulaire était ouvert depuis trop longtemps ou incomplet. Votre texte "
                "est conservé ci-dessous : vérifiez-le, puis renvoyez-le."
            ),
        )

    @classmethod
    def rate_limited(cls) -> "Refusal":
        return cls(
            _("Merci pour toutes ces idées !"),
            _(
                "Vous avez déjà proposé %(limit)s idées depuis cette connexion au cours de la "
                "dernière heure : celle-ci n'a pas été enregistrée, pour nous protéger des envois "
                "automatiques. Votre texte est conservé ci-dessous : renvoyez-le dans une heure, "
                "ou écrivez-nous directement."
            )
            % {"limit": idea_rate_limit.limit},
        )
