"""The SSRF guard: which URLs the reader may fetch.

A URL passes when its scheme is ``http`` or ``https``, it carries no credentials, and every
address its host stands for is a public unicast address. Everything else raises
:class:`~veracity.errors.BlockedURL`:

* other schemes (``file:``, ``ftp:``, ``gopher:``, ``data:``, ``javascript:`` …);
* ``user:password@`` in the authority;
* hosts that are, or resolve to, loopback, private (RFC 1918), link-local (``169.254/16``,
  where cloud metadata services live), CGNAT (``100.64/10``), multicast, reserved,
  unspecified, documentation or benchmarking ranges, IPv6 unique-local / link-local /
  site-local, and IPv6 forms that embed one of those IPv4 addresses (IPv4-mapped, NAT64,
  6to4);
* numeric hosts in the spellings ``inet_aton`` accepts (``2130706433``, ``0177.0.0.1``,
  ``0x7f.1``), which are read as the address they denote; ``localhost`` and ``*.localhost``.

An allow-list lets a trusted local service through (a self-hosted SearXNG, the test suite's
own ``127.0.0.1`` server). Entries are host names (``searxng``, ``*.corp.example``),
``host:port``, IP addresses, ``ip:port`` (``[v6]:port``) or CIDR networks. A host allowed by
name is not resolved at all; an allowed address or network lets those addresses through while
the host's other addresses must still be public.

Name resolution is injectable (a ``resolver`` callable returning IP strings), so tests never
touch real DNS. :class:`URLPolicy` bundles the allow-list and resolver; the reader also uses it
at connect time (see :mod:`veracity.reader.fetch`) so a name cannot resolve to one address for
the check and to another for the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from veracity.errors import BlockedURL, FetchError

__all__ = [
    "IPAddress",
    "Resolver",
    "URLPolicy",
    "check_url",
    "check_url_sync",
    "is_public_address",
    "parse_ip_host",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Iterable[str] | Awaitable[Iterable[str]]]
"""Maps a host name (ASCII, IDNA-encoded) to the IP address strings it stands for."""

ALLOWED_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
# Ranges some Python versions do not flag in any of the ``is_*`` properties.
_EXTRA_BLOCKED: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = (
    ipaddress.ip_network("0.0.0.0/8"),
    ipaddress.ip_network("192.0.0.0/24"),
    ipaddress.ip_network("192.88.99.0/24"),
    ipaddress.ip_network("198.18.0.0/15"),
    ipaddress.ip_network("fec0::/10"),
    _NAT64_LOCAL,
)


# --- addresses --------------------------------------------------------------------------------


def is_public_address(addr: IPAddress) -> bool:
    """True for a globally routable unicast address; False for everything the guard blocks."""
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return is_public_address(addr.ipv4_mapped)
        if addr in _NAT64:
            return is_public_address(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
        if addr.sixtofour is not None and not is_public_address(addr.sixtofour):
            return False
        if addr.is_site_local:
            return False
    elif addr in _CGNAT:
        return False
    if (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
        or not addr.is_global
    ):
        return False
    return not any(addr in net for net in _EXTRA_BLOCKED if net.version == addr.version)


def _ipv4_part(part: str) -> int | None:
    """One component of an ``inet_aton`` spelling: decimal, ``0``-prefixed octal or ``0x`` hex."""
    try:
        if part[:2].lower() == "0x":
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part[0] == "0":
            return int(part[1:], 8)
        return int(part, 10) if part.isdigit() else None
    except ValueError:
        return None


def _loose_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Read ``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``127.1`` … as the address
    ``inet_aton`` (and so most resolvers) would; None when ``host`` is not such a spelling."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or any(not p for p in parts):
        return None
    values = [_ipv4_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    nums = [v for v in values if v is not None]
    *head, last = nums
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(nums)):
        return None
    value = 0
    for v in head:
        value = value * 256 + v
    value = (value << (8 * (5 - len(nums)))) | last
    return ipaddress.IPv4Address(value)


def _looks_numeric(label: str) -> bool:
    return bool(label) and (label.isdigit() or label[:2].lower() == "0x")


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a URL host denotes when it is an IP literal in any accepted spelling
    (brackets and IPv6 zone ids are stripped); None for a host name.

    Raises :class:`BlockedURL` for a host whose last label is numeric but which is not a valid
    address (``1.2.3.999``, ``example.0x10``): resolvers disagree on what such hosts mean."""
    h = host.strip().strip("[]").rstrip(".")
    h = h.split("%", 1)[0]  # IPv6 zone id, raw or percent-encoded (%25)
    try:
        return ipaddress.ip_address(h)
    except ValueError:
        pass
    if (loose := _loose_ipv4(h)) is not None:
        return loose
    if _looks_numeric(h.rsplit(".", 1)[-1]):
        raise BlockedURL(f"ambiguous numeric host: {host}")
    return None


# --- the policy -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _HostRule:
    name: str
    port: int | None
    wildcard: bool


@dataclass(frozen=True)
class _NetRule:
    net: ipaddress.IPv4Network | ipaddress.IPv6Network
    port: int | None


def _split_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        if port.isdigit():
            return host, int(port)
    return entry, None


def _parse_allow(entries: Sequence[str]) -> tuple[list[_HostRule], list[_NetRule]]:
    hosts: list[_HostRule] = []
    nets: list[_NetRule] = []
    for raw in entries:
        entry = raw.strip().lower()
        if not entry:
            continue
        if "/" in entry:
            try:
                nets.append(_NetRule(ipaddress.ip_network(entry, strict=False), None))
                continue
            except ValueError as err:
                raise ValueError(f"bad allow-list entry {raw!r}: {err}") from None
        host, port = _split_port(entry)
        try:
            addr = ipaddress.ip_address(host)
        except ValueError:
            wildcard = host.startswith("*.")
            hosts.append(_HostRule(host[2:] if wildcard else host.rstrip("."), port, wildcard))
        else:
            nets.append(_NetRule(ipaddress.ip_network(addr), port))
    return hosts, nets


def _ascii_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    if not host:
        raise BlockedURL("URL has no host")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as err:
        raise BlockedURL(f"invalid host name: {host!r}") from err


def _system_resolve(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        raise FetchError(f"cannot resolve host {host}: {err}") from err
    return [str(info[4][0]) for info in infos]


async def _system_resolve_async(host: str) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        raise FetchError(f"cannot resolve host {host}: {err}") from err
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class _Target:
    """What a URL points at, after parsing: the values the checks are made on."""

    scheme: str
    hosts: tuple[str, ...]  # the host as urllib and as httpx read it (usually one)
    port: int


def _parse_url(url: str) -> _Target:
    """Parse ``url`` the way both urllib and httpx do, blocking it if either sees credentials,
    a non-http(s) scheme or no host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as err:
        raise BlockedURL(f"invalid URL {url!r}: {err}") from err
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURL(f"scheme not allowed: {scheme or '(none)'}")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise BlockedURL("URL carries credentials")
    hosts = [parts.hostname or ""]
    try:
        hx = httpx.URL(url.strip())
    except httpx.InvalidURL:
        hx = None
    if hx is not None:
        if hx.userinfo:
            raise BlockedURL("URL carries credentials")
        hosts.append(hx.raw_host.decode("ascii", "replace"))
    cleaned: list[str] = []
    for h in hosts:
        h = h.strip("[]").lower().rstrip(".")
        if not h:
            raise BlockedURL("URL has no host")
        with contextlib.suppress(UnicodeError):  # else checked (and refused) as it stands
            h = h.encode("idna").decode("ascii")
        if h not in cleaned:
            cleaned.append(h)
    return _Target(scheme, tuple(cleaned), port or _DEFAULT_PORTS[scheme])


class URLPolicy:
    """The allow-list plus a resolver; decides whether a URL, or an address, may be used."""

    def __init__(self, allow: Sequence[str] = (), *, resolver: Resolver | None = None) -> None:
        self.allow = tuple(allow)
        self._host_rules, self._net_rules = _parse_allow(self.allow)
        self._resolver = resolver

    # -- allow-list ---------------------------------------------------------------------------

    def host_allowed(self, host: str, port: int) -> bool:
        """True when ``host`` (a name) is on the allow-list for ``port``."""
        name = host.lower().rstrip(".")
        for rule in self._host_rules:
            if rule.port is not None and rule.port != port:
                continue
            if name == rule.name or (rule.wildcard and name.endswith("." + rule.name)):
                return True
        return False

    def address_allowed(self, addr: IPAddress, port: int) -> bool:
        """True when ``addr`` is public, or inside an allow-listed address or network."""
        mapped = addr.ipv4_mapped if isinstance(addr, ipaddress.IPv6Address) else None
        if mapped is not None and self.address_allowed(mapped, port):
            return True
        for rule in self._net_rules:
            if rule.port is not None and rule.port != port:
                continue
            if addr.version == rule.net.version and addr in rule.net:
                return True
        return is_public_address(addr)

    # -- resolution ---------------------------------------------------------------------------

    def _literal_or_none(self, host: str) -> IPAddress | None:
        addr = parse_ip_host(host)
        if addr is None:
            name = host.lower().rstrip(".")
            if name == "localhost" or name.endswith(".localhost"):
                return ipaddress.IPv4Address("127.0.0.1")
        return addr

    def _verify(
        self, host: str, port: int, addresses: Iterable[str], *, literal: bool = False
    ) -> list[str]:
        checked: list[str] = []
        for raw in addresses:
            try:
                addr = ipaddress.ip_address(str(raw).split("%", 1)[0])
            except ValueError as err:
                raise BlockedURL(f"{host} resolved to a non-address: {raw!r}") from err
            if not self.address_allowed(addr, port):
                if literal and str(addr) == host:
                    raise BlockedURL(f"{host} is a non-public address")
                how = "is" if literal else "resolves to"
                raise BlockedURL(f"{host} {how} a non-public address ({addr})")
            if str(addr) not in checked:
                checked.append(str(addr))
        if not checked:
            raise FetchError(f"cannot resolve host {host}: no addresses")
        return checked

    def addresses_sync(self, host: str, port: int) -> list[str]:
        """The checked addresses to connect to for ``host``; ``[host]`` for a name on the
        allow-list (the system resolves it). Raises :class:`BlockedURL`."""
        if self.host_allowed(host, port):
            return [host]
        literal = self._literal_or_none(host)
        if literal is not None:
            return self._verify(host, port, [str(literal)], literal=True)
        name = _ascii_host(host)
        if self._resolver is None:
            return self._verify(host, port, _system_resolve(name))
        result = self._resolver(name)
        if inspect.isawaitable(result):
            if inspect.iscoroutine(result):
                result.close()
            raise TypeError("an async resolver cannot be used by the synchronous check")
        return self._verify(host, port, result)

    async def addresses(self, host: str, port: int) -> list[str]:
        """Async :meth:`addresses_sync`; the default resolver does not block the event loop."""
        if self.host_allowed(host, port):
            return [host]
        literal = self._literal_or_none(host)
        if literal is not None:
            return self._verify(host, port, [str(literal)], literal=True)
        name = _ascii_host(host)
        if self._resolver is None:
            return self._verify(host, port, await _system_resolve_async(name))
        result = self._resolver(name)
        if inspect.isawaitable(result):
            result = await result
        return self._verify(host, port, result)

    # -- URLs ---------------------------------------------------------------------------------

    def check_sync(self, url: str) -> None:
        """Raise :class:`BlockedURL` unless ``url`` may be fetched."""
        target = _parse_url(url)
        for host in target.hosts:
            self.addresses_sync(host, target.port)

    async def check(self, url: str) -> None:
        """Raise :class:`BlockedURL` unless ``url`` may be fetched."""
        target = _parse_url(url)
        for host in target.hosts:
            await self.addresses(host, target.port)


async def check_url(
    url: str, *, allow: Sequence[str] = (), resolver: Resolver | None = None
) -> None:
    """Raise :class:`BlockedURL` unless ``url`` is an http(s) URL without credentials whose
    host resolves only to public addresses (or is allow-listed). A host that cannot be
    resolved raises :class:`FetchError`."""
    await URLPolicy(allow, resolver=resolver).check(url)


def check_url_sync(
    url: str, *, allow: Sequence[str] = (), resolver: Resolver | None = None
) -> None:
    """Synchronous :func:`check_url`; ``resolver`` must then be a plain function."""
    URLPolicy(allow, resolver=resolver).check_sync(url)
