"""CJK-aware tokens for BM25 and for word-overlap scores.

* Latin-script words are lower-cased, lose a possessive ('s) and a plain plural s (GPUs → gpu),
  and English stop words are dropped.
* A run of Chinese characters gives its character unigrams (minus stop characters such as 的, 是,
  了) and its bigrams. Bigrams do not cross particles (的, 了, 是 …), and function-word bigrams
  (我们, 以及, 一个 …) are dropped. No segmenter is needed, so there is nothing to load.
* Passages are indexed with :func:`tokenize` (unigrams and bigrams); queries use
  :func:`query_tokens` (bigrams only, unigrams for lone characters).
* Numbers become the canonical tokens of :mod:`veracity.evidence.numbers`, so "2800 亿参数" and
  "280 billion parameters" share ``#n:2.8e+11``; number tokens all start with ``#``.

The text is NFKC-normalised first, so full-width letters and digits behave like ASCII ones.
"""

from __future__ import annotations

import re
import unicodedata

from veracity.evidence.numbers import extract_numbers, number_tokens
from veracity.text import CJK_CHARS

__all__ = [
    "EN_STOPWORDS",
    "TOKENIZER_VERSION",
    "ZH_STOPWORDS",
    "ZH_STOP_CHARS",
    "content_terms",
    "is_number_token",
    "query_tokens",
    "tokenize",
]

TOKENIZER_VERSION = "1"
"""Bumped whenever tokens change, so stored BM25 indexes know to rebuild."""

_EN_STOP_TEXT = """a about above after again against all almost also am among an and any are aren around as
    at be because been before being below between both but by can cannot could did didn do does
    doesn doing don down during each either else etc even ever every few for from further get got
    had hadn has hasn have haven having he her here hers herself him himself his how however i if
    in into is isn it its itself just let may me might more most much must mustn my myself neither
    no nor not now of off often on once one only onto or other others otherwise ought our ours
    ourselves out over own per quite rather same shall shan she should shouldn since so some such
    than that the their theirs them themselves then there these they this those though through
    thus to too toward towards under until up upon us very via was wasn we were weren what when
    where whether which while who whom whose why will with within without won would wouldn yet
    you your yours yourself yourselves"""
EN_STOPWORDS: frozenset[str] = frozenset(_EN_STOP_TEXT.split())

ZH_STOP_CHARS: frozenset[str] = frozenset(
    "的了是在和与及或等也都而被把将对其之这那个一有就并于以为着吗呢吧啊呀哦嘛所且则很还又再从向到让给"
    "使由此该各每某些么们我你他她它地得过来去"
)
"""Chinese characters dropped as unigrams (they still take part in bigrams, except particles)."""

_ZH_BREAK = "的了是着吗呢吧啊呀哦嘛"
"""Particles that no bigram crosses: 的语 in 的语言模型 is noise."""

_ZH_STOP_TEXT = """一个 一种 一位 一名 一项 一些 一直 一样 一般 一定 一起 这个 那个 这些 那些 这样 那样 这种 那种
    我们 你们 他们 她们 它们 自己 以及 已经 因为 所以 但是 如果 可以 没有 进行 通过 其中 之一 之后
    之前 以后 以前 以上 以下 还是 就是 或者 而且 并且 然而 虽然 由于 对于 关于 为了 什么 其他 非常
    并不 不是 也是 都是 还有 以来 此外 同时 因此 可能 能够 可是 不过"""
ZH_STOPWORDS: frozenset[str] = frozenset(_ZH_STOP_TEXT.split())

_RE_PIECE = re.compile(rf"([{CJK_CHARS}]+)|([^\W\d_{CJK_CHARS}]+(?:['’][^\W\d_{CJK_CHARS}]+)*)|(\d+)")
_RE_BREAK = re.compile(f"[{_ZH_BREAK}]")
_APOSTROPHE_TAILS = ("s", "t", "re", "ve", "ll", "d", "m")


def _normalise_word(word: str) -> str | None:
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        word = word[:-1]  # plural of an acronym: GPUs, LLMs
    w = word.lower()
    if "'" in w or "’" in w:
        head, _, tail = w.replace("’", "'").partition("'")
        w = head if tail in _APOSTROPHE_TAILS else head + tail
    if w in EN_STOPWORDS or len(w) < 2:
        return None
    if len(w) > 3:
        if w.endswith("ies") and len(w) > 4:
            w = w[:-3] + "y"
        elif w.endswith("sses"):
            w = w[:-2]
        elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
    return w


def _cjk(run: str, out: list[str], unigrams: bool) -> None:
    if unigrams or len(run) == 1:
        out.extend(c for c in run if c not in ZH_STOP_CHARS)
    for seg in _RE_BREAK.split(run) if len(run) > 1 else ():
        if len(seg) > 1:
            out.extend(
                b for b in (seg[i : i + 2] for i in range(len(seg) - 1)) if b not in ZH_STOPWORDS
            )


def _words(text: str, out: list[str], unigrams: bool) -> None:
    for m in _RE_PIECE.finditer(text):
        cjk, word, digits = m.groups()
        if cjk:
            _cjk(cjk, out, unigrams)
        elif word:
            w = _normalise_word(word)
            if w:
                out.append(w)
        elif digits:
            out.append(digits)


def _tokens(text: str, unigrams: bool) -> list[str]:
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    pos = 0
    for m in extract_numbers(text):
        if m.start > pos:
            _words(text[pos : m.start], out, unigrams)
        out.extend(number_tokens(m))
        pos = m.end
    if pos < len(text):
        _words(text[pos:], out, unigrams)
    return out


def tokenize(text: str) -> list[str]:
    """Tokens of ``text`` for BM25 (order kept, duplicates kept)."""
    return _tokens(text, unigrams=True)


def query_tokens(text: str) -> list[str]:
    """Tokens for a BM25 *query*: as :func:`tokenize`, but a Chinese run of two or more
    characters gives only its bigrams, so one Chinese word (模型) is not counted three times
    (模型, 模, 型) against a single English word or number."""
    return _tokens(text, unigrams=False)


def content_terms(text: str) -> set[str]:
    """The distinct content terms of ``text``, for overlap scores: English words, number tokens,
    Chinese bigrams, and a Chinese single character only where it stands alone. Stop words and
    the weak Chinese unigrams of longer runs are left out."""
    return set(_tokens(text, unigrams=False))


def is_number_token(token: str) -> bool:
    """True for the tokens that :func:`tokenize` makes from numbers."""
    return token.startswith("#")
