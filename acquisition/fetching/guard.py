"""SSRF guard: refuse to talk to non-public addresses.

Two layers use the same :class:`AddressPolicy`:

* ``check_url`` / ``AddressPolicy.check_url`` is a cheap pre-flight check run on the
  requested URL and on every redirect hop, so a refusal gets a clear error before any
  connection is attempted.
* ``AddressPolicy.resolve_for_connect`` is called by the fetcher's network backend
  (see ``client.py``) at connect time: it resolves the host once, checks every address
  and returns the checked addresses, and the socket is opened to exactly those IPs. This
  closes the DNS-rebinding gap between "check" and "connect" (TLS SNI and the Host header
  still carry the original hostname).

Remaining limitation: name resolution uses ``socket.getaddrinfo`` which has no timeout
of its own, and proxies are not supported (the client disables environment proxies).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedAddress(Exception):
    """The URL targets an address the fetcher must not contact."""


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses ``getaddrinfo`` returns for host (what a connect would try)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for *_, sockaddr in infos:
        addr = str(sockaddr[0])
        if addr not in seen:
            seen.append(addr)
    return seen


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why ip is not a public unicast address (None if it is), unwrapping v4-in-v6 forms."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: list[ipaddress.IPv4Address] = []
        if ip.ipv4_mapped is not None:
            embedded.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            embedded.append(ip.sixtofour)
        if ip.teredo is not None:
            embedded.extend(ip.teredo)
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        for inner in embedded:
            reason = forbidden_reason(inner)
            if reason:
                return f"{reason} (embedded in {ip})"
    for attr in ("is_loopback", "is_private", "is_link_local", "is_multicast", "is_reserved", "is_unspecified"):
        if getattr(ip, attr):
            return attr.removeprefix("is_").replace("_", "-")
    if not ip.is_global:
        return "non-global"
    return None


def _parse_ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses may be contacted, plus the resolver to use.

    ``resolver`` and ``deny`` are seams: tests inject a fake resolver or an extra deny
    predicate so the guard can be exercised with loopback-only traffic.
    """

    allow_private: bool = False
    resolver: Resolver = field(default=system_resolver)
    deny: Callable[[IPAddress], bool] | None = None

    @property
    def checks_addresses(self) -> bool:
        """False when every address is acceptable and resolution can be left to the OS."""
        return not self.allow_private or self.deny is not None

    def check_ip(self, ip: IPAddress, host: str) -> None:
        """Raise BlockedAddress if ip may not be contacted."""
        if self.deny is not None and self.deny(ip):
            raise BlockedAddress(f"{host} -> {ip} is denied by policy")
        if not self.allow_private:
            reason = forbidden_reason(ip)
            if reason:
                raise BlockedAddress(f"{host} -> {ip} is not a public address ({reason})")

    def resolve_for_connect(self, host: str, port: int) -> list[str]:
        """Resolve host once and return its addresses if ALL of them pass the policy."""
        literal = _parse_ip(host.strip("[]"))
        addrs = [str(literal)] if literal is not None else self.resolver(host, port)
        if not addrs:
            raise BlockedAddress(f"{host} resolved to no addresses")
        for addr in addrs:
            ip = _parse_ip(addr)
            if ip is None:
                raise BlockedAddress(f"{host} resolved to unparsable address {addr!r}")
            self.check_ip(ip, host)
        return addrs

    def check_url(self, url: str) -> None:
        """Pre-flight check of a URL: http(s) only, and every resolved address allowed.

        Raises BlockedAddress when refused, OSError when the name does not resolve.
        IP literals are checked without any DNS lookup; nothing is ever connected to.
        """
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            raise BlockedAddress(f"scheme {parts.scheme!r} is not allowed (http/https only)")
        host = parts.hostname
        if not host:
            raise BlockedAddress(f"URL has no host: {url!r}")
        if not self.checks_addresses:
            return
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError as exc:
            raise BlockedAddress(f"bad port in {url!r}") from exc
        self.resolve_for_connect(host, port)


def check_url(
    url: str,
    allow_private: bool,
    *,
    resolver: Resolver | None = None,
    deny: Callable[[IPAddress], bool] | None = None,
) -> None:
    """Raise BlockedAddress unless url is http(s) and resolves only to public addresses."""
    AddressPolicy(allow_private=allow_private, resolver=resolver or system_resolver, deny=deny).check_url(url)
