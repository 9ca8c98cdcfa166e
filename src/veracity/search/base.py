"""The search protocol every evidence source implements, and how a provider class declares itself.

* :class:`SearchProvider` — what the research stage calls: web engines, scholarly APIs, the
  corpus.
* :class:`DeclaredProvider` — the base of the built-in providers. A subclass that sets
  ``kind`` declares everything the rest of veracity needs to know about it (its name, kind,
  description, the settings field of its key or URL, an optional package, its default rate)
  and is entered in :data:`CATALOGUE` when the class is created; the registry
  (:mod:`veracity.search.registry`) and the rate limits (:mod:`veracity.search.ratelimit`)
  read the catalogue. Adding a provider is one new module in this package with one such class.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Protocol, runtime_checkable

from veracity.types import SearchResult

Kind = Literal["web", "scholarly", "reference"]


@runtime_checkable
class SearchProvider(Protocol):
    """One search backend. ``search`` never raises for an empty result; it raises
    :class:`veracity.errors.ProviderError` when the backend fails."""

    name: str

    async def search(
        self, query: str, *, limit: int = 10, lang: str | None = None
    ) -> list[SearchResult]: ...


class DeclaredProvider:
    """What a provider class says about itself. Setting ``kind`` on a subclass registers it.

    Its constructor is called as ``cls(settings, client=…, **options)`` (see
    :func:`veracity.search.registry.build_providers`).
    """

    name: str = ""
    kind: ClassVar[Kind | None] = None
    """``web``, ``scholarly`` or ``reference``; None for a base class (not registered)."""
    description: ClassVar[str] = ""
    key_setting: ClassVar[str | None] = None
    """The :class:`~veracity.search.settings.SearchSettings` field holding the API key."""
    key_optional: ClassVar[bool] = False
    """The key only raises a limit: the provider works without it."""
    url_setting: ClassVar[str | None] = None
    """The settings field holding the API's (or the instance's) URL."""
    url_required: ClassVar[bool] = False
    """The URL has no default: the provider is unusable until it is set (a self-hosted one)."""
    package: ClassVar[str | None] = None
    """An optional package the provider needs (its PyPI name, also its import name)."""
    default_rate: ClassVar[float | None] = None
    """Requests per second when runs share rate limits (a batch, the server); None: unlimited."""
    rank: ClassVar[int] = 1000
    """Where the provider is listed (and searched, when every configured one is used): lower
    first."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("kind") is not None:
            CATALOGUE.add(cls)


class ProviderCatalogue:
    """The provider classes by name, in the order they were registered."""

    def __init__(self) -> None:
        self._classes: dict[str, type[DeclaredProvider]] = {}

    def add(self, cls: type[DeclaredProvider]) -> None:
        """Register ``cls`` under its ``name``. A second class with a name already taken is
        refused, unless it is the same class defined again (a reloaded module)."""
        if not cls.name or cls.name != cls.name.strip().lower():
            raise ValueError(f"{cls.__qualname__}: a provider name is lower-case and not empty")
        known = self._classes.get(cls.name)
        if known is not None and (known.__module__, known.__qualname__) != (
            cls.__module__,
            cls.__qualname__,
        ):
            raise ValueError(
                f"two search providers are named {cls.name!r}: "
                f"{known.__module__}.{known.__qualname__} and {cls.__module__}.{cls.__qualname__}"
            )
        self._classes[cls.name] = cls

    def remove(self, name: str) -> None:
        """Forget the provider ``name`` (tests that register a throwaway class)."""
        self._classes.pop(name, None)

    def get(self, name: str) -> type[DeclaredProvider] | None:
        return self._classes.get(name)

    def classes(self) -> list[type[DeclaredProvider]]:
        """Every registered class, by ``rank`` (then name)."""
        return sorted(self._classes.values(), key=lambda c: (c.rank, c.name))


CATALOGUE = ProviderCatalogue()
"""Every provider class whose module has been imported (the registry imports them all)."""
