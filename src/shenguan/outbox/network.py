"""Which network addresses webhooks may be sent to (投递目标网段): an allow-list for intranets and
a deny-list that keeps cloud metadata, link-local and multicast addresses out by default."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


def _networks(values) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip()]


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses a host name resolves to now (a literal address: itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}, key=str)


def refused_address(url: str) -> str | None:
    """The first address of the URL's host that the network policy refuses (None: all allowed).
    Raises OSError when the host does not resolve."""
    host = urlsplit(url).hostname or ""
    allowed = _networks(settings.SHENGUAN_WEBHOOK_ALLOWED_NETWORKS)
    denied = _networks(settings.SHENGUAN_WEBHOOK_DENIED_NETWORKS)
    for addr in _addresses(host):
        if any(addr in net for net in denied):
            return str(addr)
        if allowed and not any(addr in net for net in allowed):
            return str(addr)
    return None
