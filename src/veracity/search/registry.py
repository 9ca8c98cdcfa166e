"""Which search providers exist, which are usable with the current settings, and building them.

The providers are the classes that declare themselves
(:class:`~veracity.search.base.DeclaredProvider` with a ``kind``): :func:`all_providers`
imports every module of :mod:`veracity.search` once and lists what the catalogue then holds,
so a new provider is one new module — no list here, in the settings or in the rate limits.

``veracity providers`` prints :func:`provider_status` (configured or not: nothing is sent);
``veracity providers --check`` prints :func:`check_providers` (one live query each); the research
stage calls :func:`build_providers` with the names the user picked and the run's settings.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import pkgutil
import time
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from pydantic import BaseModel, SecretStr

from veracity.errors import ConfigError, one_line
from veracity.httputil import RetryPolicy
from veracity.search.base import CATALOGUE, DeclaredProvider, Kind, SearchProvider
from veracity.search.settings import SearchSettings, env_name

__all__ = [
    "CHECK_QUERY",
    "Kind",
    "ProviderCheck",
    "ProviderInfo",
    "ProviderStatus",
    "all_providers",
    "build_providers",
    "check_providers",
    "configured_names",
    "default_rates",
    "is_configured",
    "package_installed",
    "provider_kind",
    "provider_status",
]


@dataclass(frozen=True)
class ProviderInfo:
    """Static facts about one provider, read from its class."""

    name: str
    kind: Kind
    cls: type[DeclaredProvider]
    description: str
    needs: str | None = None
    """What must be set (an env variable, or a package to install); None for keyless."""
    optional: bool = False
    """Backed by an optional package."""
    default_rate: float | None = None

    @classmethod
    def of(cls, provider: type[DeclaredProvider]) -> ProviderInfo:
        assert provider.kind is not None, f"{provider.__qualname__} declares no kind"
        needs: str | None = None
        if provider.package:
            needs = f"pip install {provider.package}"
        elif provider.url_required and provider.url_setting:
            needs = env_name(provider.url_setting)
        elif provider.key_setting and not provider.key_optional:
            needs = env_name(provider.key_setting)
        return cls(
            name=provider.name, kind=provider.kind, cls=provider,
            description=provider.description, needs=needs, optional=provider.package is not None,
            default_rate=provider.default_rate,
        )


_imported = False


def _import_providers() -> None:
    """Import every public module of :mod:`veracity.search` once, so that every provider class
    has registered itself."""
    global _imported
    if _imported:
        return
    package = importlib.import_module("veracity.search")
    for module in pkgutil.iter_modules(package.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"veracity.search.{module.name}")
    _imported = True


def all_providers() -> list[ProviderInfo]:
    """Every provider, in listing order (``rank``)."""
    _import_providers()
    return [ProviderInfo.of(c) for c in CATALOGUE.classes()]


def __getattr__(name: str) -> Any:
    # ``ALL_PROVIDERS``, the tuple older callers import, is computed when asked for
    if name == "ALL_PROVIDERS":
        return tuple(all_providers())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _info(name: str) -> ProviderInfo | None:
    _import_providers()
    cls = CATALOGUE.get(name.strip().lower())
    return ProviderInfo.of(cls) if cls is not None else None


def provider_kind(name: str) -> Kind | None:
    """The kind of the registered provider ``name``; None for a name the registry does not know."""
    info = _info(name)
    return info.kind if info is not None else None


def default_rates() -> dict[str, float]:
    """Requests per second by provider name, as each class declares (providers without a
    ``default_rate`` are not limited)."""
    return {i.name: i.default_rate for i in all_providers() if i.default_rate is not None}


class ProviderStatus(BaseModel):
    """One line of ``veracity providers``."""

    name: str
    kind: Kind
    configured: bool
    needs: str | None = None
    description: str = ""


def _is_set(value: object) -> bool:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return isinstance(value, str) and bool(value.strip())


def package_installed(package: str) -> bool:
    """Whether the package ``package`` can be imported."""
    return importlib.util.find_spec(package) is not None


def is_configured(info: ProviderInfo, settings: SearchSettings) -> bool:
    """Whether ``info`` can be built with ``settings`` (and installed packages): its package
    is installed, its required URL and its required key are set."""
    cls = info.cls
    if cls.package is not None and not package_installed(cls.package):
        return False
    if cls.url_required and cls.url_setting and not _is_set(getattr(settings, cls.url_setting)):
        return False
    return not (
        cls.key_setting and not cls.key_optional and not _is_set(getattr(settings, cls.key_setting))
    )


def provider_status(
    settings: SearchSettings | None = None, names: list[str] | None = None
) -> list[ProviderStatus]:
    """Every provider (or those in ``names``) with whether it is configured now and, if not,
    what it needs. Nothing is sent: a configured provider's host may still be unreachable
    (:func:`check_providers` asks each one)."""
    settings = settings if settings is not None else SearchSettings()
    out: list[ProviderStatus] = []
    for info in _selected(names):
        configured = is_configured(info, settings)
        out.append(
            ProviderStatus(
                name=info.name,
                kind=info.kind,
                configured=configured,
                needs=None if configured else info.needs,
                description=info.description,
            )
        )
    return out


def configured_names(
    settings: SearchSettings | None = None, kinds: tuple[Kind, ...] | None = None
) -> list[str]:
    """Names of the usable providers, optionally of some kinds only, in registry order."""
    return [
        s.name
        for s in provider_status(settings)
        if s.configured and (kinds is None or s.kind in kinds)
    ]


def build_providers(
    names: list[str],
    settings: SearchSettings | None = None,
    client: httpx.AsyncClient | None = None,
    **options: Any,
) -> list[SearchProvider]:
    """Instantiate the named providers (in the order given, duplicates dropped), sharing
    ``client`` when one is passed. ``options`` (e.g. ``retry=RetryPolicy(…)``) go to every
    constructor.

    Every provider gets ``settings`` — pass the run's settings: only when none are given are
    they read from the environment, once, here.

    Raises :class:`ConfigError` for an unknown name or a provider whose key/URL/package is
    missing; the message says what to set.
    """
    settings = settings if settings is not None else SearchSettings()
    providers: list[SearchProvider] = []
    for info in _selected([n for n in names if n and n.strip()], every=False):
        if not is_configured(info, settings):
            how = f"install it with: {info.needs}" if info.optional else f"set {info.needs}"
            raise ConfigError(f"search provider '{info.name}' is not configured: {how}")
        factory: Any = info.cls  # constructed as cls(settings, client=…, **options)
        providers.append(factory(settings, client=client, **options))
    return providers


CHECK_QUERY = "Alan Turing"
"""The query ``veracity providers --check`` sends: every provider kind has answers for it."""


class ProviderCheck(BaseModel):
    """One line of ``veracity providers --check``."""

    name: str
    kind: Kind
    status: Literal["ok", "failed", "not configured"]
    ms: int | None = None
    """How long the query took, in milliseconds (None when nothing was sent)."""
    results: int | None = None
    error: str | None = None
    """Why it failed, or what it needs when it is not configured."""


async def check_providers(
    names: list[str] | None = None,
    settings: SearchSettings | None = None,
    *,
    query: str = CHECK_QUERY,
    timeout: float | None = None,
    client: httpx.AsyncClient | None = None,
) -> list[ProviderCheck]:
    """Send ``query`` once to each configured provider (all of them, or those in ``names``;
    :class:`ConfigError` for an unknown name), at the same time, without retries and with
    ``timeout`` seconds per request (the settings' ``search_timeout`` by default); a provider
    that is not configured is listed as such and not asked. Never raises for a provider that
    fails: its line says why."""
    settings = settings if settings is not None else SearchSettings()
    if timeout is not None:
        settings = settings.model_copy(update={"search_timeout": timeout})
    infos = _selected(names)

    async def one(info: ProviderInfo) -> ProviderCheck:
        if not is_configured(info, settings):
            return ProviderCheck(name=info.name, kind=info.kind, status="not configured", error=f"needs {info.needs}")
        t0 = time.perf_counter()
        provider: Any = None
        try:
            provider = build_providers([info.name], settings, client, retry=RetryPolicy(attempts=1))[0]
            found = await provider.search(query, limit=3)
        except Exception as err:  # the check reports every failure, whatever raised it
            line = one_line(err, 300)
            return ProviderCheck(
                name=info.name, kind=info.kind, status="failed", ms=_ms(t0),
                error=line.removeprefix(f"{info.name}: "),
            )
        finally:
            if provider is not None and hasattr(provider, "aclose"):
                await provider.aclose()
        return ProviderCheck(name=info.name, kind=info.kind, status="ok", ms=_ms(t0), results=len(found))

    return list(await asyncio.gather(*(one(i) for i in infos)))


def _selected(names: list[str] | None, *, every: bool = True) -> list[ProviderInfo]:
    """The providers ``names`` names, in that order, duplicates dropped (every provider when
    none is given and ``every``); :class:`ConfigError` for a name the registry does not know."""
    infos = all_providers()
    by_name = {i.name: i for i in infos}
    wanted = [n.strip().lower() for n in names or [] if n.strip()]
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        known = ", ".join(by_name)
        raise ConfigError(f"unknown search provider(s): {', '.join(unknown)} (known: {known})")
    if not wanted:
        return infos if every else []
    return [by_name[n] for n in dict.fromkeys(wanted)]


def _ms(t0: float) -> int:
    return round((time.perf_counter() - t0) * 1000)
