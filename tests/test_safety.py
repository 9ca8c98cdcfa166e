"""The SSRF guard, with an injected resolver: no real DNS is ever asked."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from veracity.errors import BlockedURL, FetchError
from veracity.reader.safety import (
    URLPolicy,
    check_url,
    check_url_sync,
    is_public_address,
    parse_ip_host,
)

DNS = {
    "example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "internal.test": ["10.1.2.3"],
    "mixed.test": ["8.8.8.8", "192.168.1.10"],
    "metadata.test": ["169.254.169.254"],
    "cgnat.test": ["100.64.1.1"],
    "ula.test": ["fd12:3456::1"],
    "mapped.test": ["::ffff:10.0.0.1"],
    "xn--fsqu00a.xn--0zwm56d": ["8.8.4.4"],
    "searxng": ["172.17.0.2"],
}


def resolve(host: str) -> list[str]:
    return DNS.get(host, [])


def blocked(url: str, **kw: object) -> str:
    with pytest.raises(BlockedURL) as info:
        check_url_sync(url, resolver=resolve, **kw)  # type: ignore[arg-type]
    return str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "https://example.com:8443/path?q=1#frag",
        "HTTPS://EXAMPLE.COM./",
        "http://例子.测试/",  # IDN, resolved in its punycode form
        "http://8.8.8.8/",
        "http://[2606:4700:4700::1111]/",
    ],
)
def test_public_urls_pass(url: str) -> None:
    check_url_sync(url, resolver=resolve)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "scheme not allowed: file"),
        ("ftp://example.com/x", "scheme not allowed: ftp"),
        ("gopher://example.com/", "scheme not allowed: gopher"),
        ("data:text/html,<script>1</script>", "scheme not allowed: data"),
        ("javascript:alert(1)", "scheme not allowed: javascript"),
        ("//example.com/", "scheme not allowed: (none)"),
        ("http://user:secret@example.com/", "credentials"),
        ("http://user@example.com/", "credentials"),
        ("http://example.com\\@127.0.0.1/", "credentials"),
        ("http:///nohost", "no host"),
    ],
)
def test_schemes_credentials_and_shape(url: str, why: str) -> None:
    assert why in blocked(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.8.9.10:8080/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://100.64.0.1/",  # CGNAT
        "http://0.0.0.0/",
        "http://224.0.0.251/",  # multicast
        "http://240.0.0.1/",  # reserved
        "http://255.255.255.255/",
        "http://192.0.2.7/",  # documentation
        "http://198.18.0.1/",  # benchmarking
        "http://[::1]/",
        "http://[::]/",
        "http://[fd00::1]/",  # unique local
        "http://[fe80::1%25eth0]/",  # link-local with a zone id
        "http://[fec0::1]/",  # old site-local
        "http://[ff02::1]/",  # multicast
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
        "http://[::ffff:a9fe:a9fe]/",  # IPv4-mapped 169.254.169.254, hex form
        "http://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
        "http://[2002:c0a8:101::1]/",  # 6to4 of 192.168.1.1
        "http://localhost/",
        "http://LOCALHOST.:8000/",
        "http://api.localhost/",
    ],
)
def test_non_public_literals_are_blocked(url: str) -> None:
    assert "non-public address" in blocked(url)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),  # decimal
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("0x7f.0.0.1", "127.0.0.1"),  # hex part
        ("0x7f000001", "127.0.0.1"),  # one hex number
        ("127.1", "127.0.0.1"),  # short form
        ("10.1", "10.0.0.1"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("3232235777", "192.168.1.1"),
        ("017700000001", "127.0.0.1"),  # one octal number
    ],
)
def test_odd_ipv4_spellings(host: str, address: str) -> None:
    assert parse_ip_host(host) == ipaddress.ip_address(address)
    assert "non-public address" in blocked(f"http://{host}/")


@pytest.mark.parametrize("host", ["1.2.3.999", "example.0x10", "1.2.3.4.5", "08.1.1.1"])
def test_ambiguous_numeric_hosts(host: str) -> None:
    assert "ambiguous numeric host" in blocked(f"http://{host}/")


def test_plain_names_are_not_mistaken_for_numbers() -> None:
    assert parse_ip_host("example.com") is None
    assert parse_ip_host("0xdeadbeef.example") is None
    assert parse_ip_host("123.example") is None


@pytest.mark.parametrize(
    "host", ["internal.test", "mixed.test", "metadata.test", "cgnat.test", "ula.test",
             "mapped.test"],
)
def test_names_resolving_to_private_addresses(host: str) -> None:
    # every address counts: one private address among public ones is enough to block
    assert f"{host} resolves to a non-public address" in blocked(f"https://{host}/")


def test_unresolvable_host_is_a_fetch_error_not_a_block() -> None:
    with pytest.raises(FetchError) as info:
        check_url_sync("http://nowhere.test/", resolver=resolve)
    assert not isinstance(info.value, BlockedURL)
    assert "cannot resolve host nowhere.test" in str(info.value)


# --- allow-list -------------------------------------------------------------------------------


def test_allow_ip_and_cidr() -> None:
    check_url_sync("http://127.0.0.1:5000/", allow=["127.0.0.1"])
    check_url_sync("http://2130706433:5000/", allow=["127.0.0.1"])  # same address
    check_url_sync("http://internal.test/", allow=["10.0.0.0/8"], resolver=resolve)
    assert "10.1.2.3" in blocked("http://internal.test/", allow=["10.9.0.0/16"])
    # an allowed network lets those addresses through; the rest must still be public
    assert "192.168.1.10" in blocked("http://mixed.test/", allow=["10.0.0.0/8"])
    check_url_sync("http://[::ffff:127.0.0.1]/", allow=["127.0.0.1"])


def test_allow_host_and_port() -> None:
    check_url_sync("http://searxng:8080/search", allow=["searxng:8080"], resolver=resolve)
    assert "172.17.0.2" in blocked("http://searxng:8081/", allow=["searxng:8080"])
    check_url_sync("http://127.0.0.1:8888/", allow=["127.0.0.1:8888"])
    blocked("http://127.0.0.1:8889/", allow=["127.0.0.1:8888"])
    check_url_sync("http://[::1]:9000/", allow=["[::1]:9000"])
    check_url_sync("http://localhost:8080/", allow=["localhost"])


def test_allow_wildcard_names() -> None:
    policy = URLPolicy(["*.corp.example"], resolver=lambda h: ["10.0.0.5"])
    policy.check_sync("http://wiki.corp.example/")
    with pytest.raises(BlockedURL):
        policy.check_sync("http://corp.example.evil.test/")


def test_allow_list_does_not_open_other_schemes() -> None:
    assert "scheme" in blocked("file:///etc/passwd", allow=["127.0.0.1", "localhost"])


def test_bad_allow_entry() -> None:
    with pytest.raises(ValueError, match="bad allow-list entry"):
        URLPolicy(["10.0.0.0/99"])


# --- async --------------------------------------------------------------------------------------


def test_async_check_with_sync_and_async_resolvers() -> None:
    async def aresolve(host: str) -> list[str]:
        await asyncio.sleep(0)
        return DNS.get(host, [])

    async def go() -> None:
        await check_url("https://example.com/", resolver=resolve)
        await check_url("https://example.com/", resolver=aresolve)
        with pytest.raises(BlockedURL):
            await check_url("https://internal.test/", resolver=aresolve)
        with pytest.raises(BlockedURL):
            await check_url("http://169.254.169.254/")  # literal: no resolver needed

    asyncio.run(go())


def test_sync_check_refuses_an_async_resolver() -> None:
    async def aresolve(host: str) -> list[str]:
        return ["8.8.8.8"]

    with pytest.raises(TypeError):
        check_url_sync("https://example.com/", resolver=aresolve)


def test_addresses_returns_what_was_checked() -> None:
    policy = URLPolicy(resolver=resolve)
    assert policy.addresses_sync("example.com", 443) == [
        "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946",
    ]
    assert URLPolicy(["searxng"]).addresses_sync("searxng", 80) == ["searxng"]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("1.1.1.1", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("100.63.255.255", True),
        ("100.64.0.0", False),
        ("100.127.255.255", False),
        ("100.128.0.0", True),
        ("172.31.255.255", False),
        ("172.32.0.0", True),
        ("192.0.0.8", False),
        ("2001:db8::1", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public
