"""Every exception veracity raises on purpose, in one tree.

    VeracityError                   base; ``exit_code`` is what the CLI exits with
    ├── InputError                  the user's input cannot be used (exit 2)
    │   ├── InputNotFound           missing file
    │   ├── EmptyInput              empty or whitespace-only
    │   ├── BinaryInput             not text (NUL bytes, unknown binary format)
    │   ├── InputTooLarge           over the configured size limit
    │   ├── UndecodableInput        no text encoding fits
    │   ├── MalformedPDF            a PDF that cannot be parsed, or has no text layer
    │   └── ClaimsFormatError       a bad ``--claims`` list
    ├── CorpusError                 a corpus folder cannot be used at all (exit 2)
    ├── StoreError                  the SQLite store failed (exit 3)
    │   ├── RunNotFound             no run with that id (exit 2)
    │   └── JobNotFound             no job with that id (exit 2)
    ├── ProviderError               a search provider failed (kept per query, never fatal)
    │   └── ProviderUnreachable     no connection could be made (DNS, refused, TLS, connect timeout)
    ├── FetchError                  the reader could not fetch a URL
    │   └── BlockedURL              refused by the SSRF guard
    ├── ConfigError                 settings that cannot work together (exit 2)
    ├── LLMError                    no usable answer from the language model
    │   ├── LLMUnavailable          connection refused, timeouts or 429/5xx after every retry
    │   │   └── LLMRequestError     one failed request, as a backend reports it (status, retry_after)
    │   └── LLMOutputError          the answer failed validation, also after the repair call
    └── BudgetExhausted             a run's budget (calls, tokens, searches, seconds) is spent

A single file the corpus cannot read is not an error: it is skipped and listed in the report.
"""

from __future__ import annotations


class VeracityError(Exception):
    """Base class; the CLI prints ``str(err)`` on one line and exits with ``exit_code``."""

    exit_code = 1


class InputError(VeracityError):
    exit_code = 2


class InputNotFound(InputError):
    pass


class EmptyInput(InputError):
    pass


class BinaryInput(InputError):
    pass


class InputTooLarge(InputError):
    pass


class UndecodableInput(InputError):
    pass


class MalformedPDF(InputError):
    pass


class ClaimsFormatError(InputError):
    pass


class CorpusError(VeracityError):
    exit_code = 2


class StoreError(VeracityError):
    exit_code = 3


class RunNotFound(StoreError):
    exit_code = 2


class JobNotFound(StoreError):
    exit_code = 2


class ProviderError(VeracityError):
    pass


class ProviderUnreachable(ProviderError):
    """The provider's host could not be reached at all: the run's circuit breaker counts these."""


class FetchError(VeracityError):
    pass


class BlockedURL(FetchError):
    pass


class ConfigError(VeracityError):
    exit_code = 2


class LLMError(VeracityError):
    exit_code = 3


class LLMUnavailable(LLMError):
    pass


class LLMRequestError(LLMUnavailable):
    """One request to a model endpoint failed. ``status`` is the HTTP status (None for timeouts
    and connection errors), ``retry_after`` the seconds the server asked to wait, and
    ``transient`` tells whether sending the same request again may succeed."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None,
        transient: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.transient = transient


class LLMOutputError(LLMError):
    pass


class BudgetExhausted(VeracityError):
    """Raised by a budget guard; the agent turns it into ``unverifiable`` rows with the reason."""


def one_line(err: BaseException | str, limit: int = 500) -> str:
    """An error as one line of at most ``limit`` characters: the message of veracity's own
    errors (and of a string), ``Type: message`` for any other exception."""
    text = err if isinstance(err, str) else str(err)
    text = " ".join(text.split())
    if isinstance(err, BaseException):
        if text and not isinstance(err, VeracityError):
            text = f"{type(err).__name__}: {text}"
        text = text or type(err).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
