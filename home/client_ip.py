"""The client's address, as every throttle of the site sees it.

Behind N trusted reverse proxies (settings.TRUSTED_PROXY_COUNT), each proxy appends
the address it received the request from to X-Forwarded-For, so the client is the
Nth address from the right; anything further left was written by the client and is
never trusted. With no proxy, REMOTE_ADDR. The rate limits of the public forms and
the login throttle (django-axes, AXES_CLIENT_IP_CALLABLE) follow this one rule.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not proxies:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        # Stored in an address column: a proxy that forwards garbage falls back to
        # the proxy's own address rather than failing the login with a 500.
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
