"""The SSRF guard: webhook URLs may only reach public addresses, unless the allow-list setting names them.

A subscriber chooses the URL, so without this guard the server would POST wherever it is told: to the cloud
metadata service (169.254.169.254), the database, the admin port on localhost. Host names are resolved here
and every address they resolve to must pass; the sender then connects to the checked address itself, so a
name that resolves differently a moment later (DNS rebinding) cannot slip a private address in.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class UnsafeTarget(ValueError):
    """The URL may not be called; the message says why in words a subscriber can act on."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class AllowList:
    """Hosts and networks that may be reached although they are not public (`RDC_WEBHOOK_ALLOWED_HOSTS`)."""

    hosts: frozenset[str]
    networks: tuple[IPNetwork, ...]

    def names_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def names_address(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self.networks)


@lru_cache(maxsize=16)
def allow_list(setting: str) -> AllowList:
    """Parses the comma-separated setting: host names, IP addresses and CIDR networks."""
    hosts: set[str] = set()
    networks: list[IPNetwork] = []
    for item in (part.strip() for part in setting.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            hosts.add(item.lower().rstrip("."))
    return AllowList(frozenset(hosts), tuple(networks))


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (an address that passed the guard) and what to call it (Host, SNI)."""

    url: str
    scheme: str
    host: str  # as written in the URL, without brackets
    port: int
    address: IPAddress


def parse(url: str, allowed: AllowList) -> SplitResult:
    """Checks the URL's form: http(s), a host, no credentials; https unless the host is allow-listed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget("not a valid URL", "invalid_url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget("give an absolute https:// URL", "invalid_url")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget("credentials in the URL are not allowed; authenticate with the signature", "invalid_url")
    if parts.fragment:
        raise UnsafeTarget("a URL fragment is never sent; remove it", "invalid_url")
    if port == 0:
        raise UnsafeTarget("port 0 cannot be reached", "invalid_url")
    if parts.scheme != "https" and not _allow_listed_literal(parts.hostname, allowed):
        raise UnsafeTarget("use https (plain http only for hosts named in the allow-list setting)", "https_required")
    return parts


def check(url: str, allowed: AllowList) -> Target:
    """Resolves the URL's host and returns an address to connect to; raises `UnsafeTarget` if any is refused."""
    parts = parse(url, allowed)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    host_allowed = allowed.names_host(host)
    for address in addresses:
        if not host_allowed and not allowed.names_address(address) and restricted(address):
            raise UnsafeTarget(
                f"{host} resolves to {address}, a private, loopback, link-local or reserved address; "
                "webhooks only reach public addresses",
                "address_not_allowed",
            )
    return Target(url=url, scheme=parts.scheme, host=host, port=port, address=addresses[0])


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeTarget(f"the host name {host} does not resolve", "unresolvable_host") from None
    found: list[IPAddress] = []
    for info in infos:
        # An IPv6 sockaddr may carry a zone ("fe80::1%eth0"); the zone never makes an address public.
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    if not found:
        raise UnsafeTarget(f"the host name {host} does not resolve", "unresolvable_host")
    return found


def restricted(address: IPAddress) -> bool:
    """Not a public unicast address: private, loopback, link-local, multicast, reserved, unspecified, CGNAT..."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None:
            return restricted(embedded)
    return (
        not address.is_global
        or address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def _allow_listed_literal(host: str, allowed: AllowList) -> bool:
    if allowed.names_host(host):
        return True
    try:
        return allowed.names_address(ipaddress.ip_address(host))
    except ValueError:
        return False
