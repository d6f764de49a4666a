"""Which network addresses webhooks may be sent to (投递目标网段): an allow-list for intranets and
a deny-list that keeps cloud metadata, link-local and multicast addresses out by default; and the
HTTP transport that connects a webhook only to the addresses that passed that check (ADR 0005)."""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings


def _networks(values) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip()]


def url_host(url: str) -> str:
    """The host of a URL exactly as the HTTP client connects to it (IDNA, IPv6 without brackets)."""
    try:
        return httpx.URL(url).raw_host.decode("ascii")
    except httpx.InvalidURL:
        return urlsplit(url).hostname or ""


def resolve(host: str) -> list[str]:
    """The addresses a host name resolves to now, in the resolver's order of preference, each
    once (a literal address: itself, unresolved)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_refused(address: str) -> bool:
    """Whether the network policy refuses one address (an IPv4-mapped IPv6 address is judged as
    the IPv4 address it reaches)."""
    addr = ipaddress.ip_address(address.split("%")[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if any(addr in net for net in _networks(settings.SHENGUAN_WEBHOOK_DENIED_NETWORKS)):
        return True
    allowed = _networks(settings.SHENGUAN_WEBHOOK_ALLOWED_NETWORKS)
    return bool(allowed) and not any(addr in net for net in allowed)


@dataclass(frozen=True)
class Target:
    """Where one attempt may connect (投递目标): the URL's host, the addresses it resolved to at the
    check, and the first of them the policy refuses (then nothing may be sent)."""

    host: str
    addresses: tuple[str, ...]
    refused: str | None = None


def check_target(url: str) -> Target:
    """Resolve the URL's host once and check every address it resolves to against the network
    policy. Raises OSError when the host does not resolve."""
    host = url_host(url)
    addresses = tuple(resolve(host))
    refused = next((a for a in addresses if address_refused(a)), None)
    return Target(host=host, addresses=addresses, refused=refused)


def refused_address(url: str) -> str | None:
    """The first address of the URL's host that the network policy refuses (None: all allowed).
    Raises OSError when the host does not resolve."""
    return check_target(url).refused


# --- connecting only to checked addresses ------------------------------------------------------

_pins: contextvars.ContextVar[dict[str, tuple[str, ...]]] = contextvars.ContextVar("webhook_pins")


@contextlib.contextmanager
def pinned(target: Target) -> Iterator[None]:
    """Within the block (in this thread), the webhook client connects to the target's host only
    at the addresses checked for it; it connects to no other host at all."""
    if target.refused or not target.addresses:
        raise ValueError("a refused or unresolved target cannot be pinned")
    token = _pins.set({target.host: target.addresses})
    try:
        yield
    finally:
        _pins.reset(token)


class _PinnedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to the addresses pinned for the host, in the resolver's order,
    and never resolves the host name again (the TLS layer still gets the name for SNI and for
    checking the certificate)."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = _pins.get({}).get(host)
        if not addresses:
            raise httpcore.ConnectError(f"no address of {host} passed the network check")
        deadline = None if timeout is None else time.monotonic() + timeout
        error: Exception | None = None
        for address in addresses:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            try:
                return super().connect_tcp(
                    address,
                    port,
                    timeout=remaining,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error or httpcore.ConnectTimeout(f"connecting to {host} timed out")


_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's defaults


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport whose connection pool connects only to pinned addresses: outside a
    `pinned()` block, or to another host (say a redirect's), it refuses to connect at all.
    Proxies from the environment do not apply (a proxy would resolve the name itself)."""

    def __init__(self, *, verify: ssl.SSLContext | bool = True, limits=_LIMITS) -> None:
        ssl_context = httpx.create_ssl_context(verify=verify)  # honours SSL_CERT_FILE / _DIR
        super().__init__(verify=ssl_context, limits=limits)
        # httpx (pinned to 0.28.1) takes no network backend, so replace the pool that its
        # handle_request() uses by an equal one with ours; fail loudly if that attribute moves.
        if not isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):
            raise RuntimeError("httpx's transport no longer keeps its pool in `_pool`")
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_PinnedBackend(),
        )
