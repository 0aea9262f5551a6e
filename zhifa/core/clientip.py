"""The client's address, one rule for the audit chain, the lockout and the session list.

``REMOTE_ADDR``, unless that is a reverse proxy listed in ``ZHIFA_TRUSTED_PROXIES``: then the nearest
address in ``X-Forwarded-For`` that is not itself a trusted proxy, so a client cannot choose its address by
sending the header itself. Written here rather than with django-ipware, which is not installed and whose
"trusted proxy count" model does not express a list of proxy networks.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxies() -> tuple[IPNetwork, ...]:
    return _networks(tuple(getattr(settings, "ZHIFA_TRUSTED_PROXIES", ())))


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, proxies) -> bool:
    return address is not None and any(address in net for net in proxies)


def client_ip(request) -> str:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``): ``REMOTE_ADDR`` unless that is a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = trusted_proxies()
    if not proxies or not _trusted(_address(remote), proxies):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return remote  # a malformed hop: trust nothing the proxies passed on beyond it
        if not _trusted(address, proxies):
            return str(address)
    return str(_address(hops[0])) if hops else remote
