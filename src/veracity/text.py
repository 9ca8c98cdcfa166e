"""Text utilities shared by every stage: normalisation, language detection, sentence spans."""

from __future__ import annotations

import html
import re
import unicodedata

from veracity.types import Language

_WS = re.compile(r"\s+")
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""The Chinese characters as the body of a regex character class: CJK unified ideographs,
extension A and compatibility ideographs (``rf"[{CJK_CHARS}·]+"``)."""
CJK = re.compile(f"[{CJK_CHARS}]")
"""One Chinese character: the package's one test for Chinese text."""
_LATIN = re.compile(r"[A-Za-z]")


def normalize_for_match(text: str) -> str:
    """The form quotes are compared in: NFKC, HTML entities decoded, no whitespace, lower case.

    Two strings that a reader would call "the same words" map to the same key here, whatever
    their full-width/half-width forms, line breaks or entity escapes.
    """
    text = unicodedata.normalize("NFKC", text)
    text = html.unescape(text)
    return _WS.sub("", text).lower()


def quote_in_text(quote: str, text: str) -> bool:
    """True when ``quote`` appears verbatim in ``text`` after :func:`normalize_for_match`."""
    q = normalize_for_match(quote)
    return bool(q) and q in normalize_for_match(text)


def clean_whitespace(text: str) -> str:
    return _WS.sub(" ", text).strip()


def detect_language(text: str) -> Language:
    """``zh`` when Chinese characters make up a real share of the letters, ``en`` for mostly
    Latin text with common English words, else ``other``."""
    sample = text[:20000]
    cjk = len(CJK.findall(sample))
    latin = len(_LATIN.findall(sample))
    if cjk == 0 and latin == 0:
        return "other"
    # A Chinese character carries about as much as a short English word; weigh them so.
    if cjk * 3 >= latin * 0.5 and cjk >= 5:
        return "zh"
    if latin > 0:
        words = re.findall(r"[A-Za-z]+", sample.lower())
        common = {"the", "of", "and", "a", "in", "is", "to", "was", "for", "on", "with", "as",
                  "by", "at", "he", "she", "it", "his", "her", "from", "that", "are", "an", "be"}
        hits = sum(1 for w in words if w in common)
        if words and (hits / len(words) > 0.04 or len(words) < 8):
            return "en"
        # Latin text with few English function words: lists of names and titles are still
        # English unless another language's function words show up.
        foreign = sum(1 for w in words if w in _OTHER_FUNCTION_WORDS)
        return "other" if words and foreign / len(words) > 0.04 else "en"
    return "zh" if cjk else "other"


_OTHER_FUNCTION_WORDS = {
    # German, French, Spanish, Italian, Portuguese, Dutch
    "der", "die", "das", "und", "ist", "nicht", "mit", "ein", "eine", "le", "la", "les", "et",
    "est", "une", "des", "du", "el", "los", "las", "y", "es", "una", "il", "di", "che", "e",
    "o", "os", "um", "uma", "não", "het", "een", "en", "van", "niet",
}


# --- sentences -------------------------------------------------------------------------------

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "inc", "ltd", "co", "corp",
    "e.g", "i.e", "u.s", "u.k", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "no", "fig", "al", "approx", "dept", "univ", "ph.d", "b.sc", "m.sc",
}

# Chinese sentence ends always end a sentence; closing quotes/brackets right after stay with it.
_ZH_END = "。！？!?…"
_CLOSERS = "”’\"'）)】]」』》"


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences; returns ``(start, end)`` offsets into ``text``
    with surrounding whitespace trimmed. Blank lines and line breaks before list markers or
    headings also end a sentence. Handles Chinese and English punctuation, decimals (2.5),
    initials (Jack W. Rae) and common abbreviations (e.g., Dr.)."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    i = start
    seg_start = start

    def push(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))

    while i < end:
        ch = text[i]
        if ch == "\n":
            # a blank line, or a line that starts a list item / heading, breaks the sentence
            j = i + 1
            while j < end and text[j] in " \t":
                j += 1
            nxt = text[j] if j < end else ""
            line_start = text.rfind("\n", 0, i) + 1
            this_line = text[max(line_start, seg_start) : i].lstrip()
            if (
                nxt == "\n"
                or nxt in "#-*+•>|"
                or re.match(r"\d+[.)、]\s", text[j : j + 4])
                or this_line.startswith(("#", "|"))
            ):
                push(seg_start, i)
                seg_start = i + 1
            i += 1
            continue
        if ch in _ZH_END:
            j = i + 1
            while j < end and (text[j] in _ZH_END or text[j] in _CLOSERS):
                j += 1
            push(seg_start, j)
            seg_start = j
            i = j
            continue
        if ch == ".":
            j = i + 1
            while j < end and text[j] in _CLOSERS:
                j += 1
            nxt = text[j] if j < end else ""
            if (nxt == "" or nxt.isspace()) and not _is_abbreviation(text, seg_start, i):
                push(seg_start, j)
                seg_start = j
                i = j
                continue
        i += 1
    push(seg_start, end)
    return spans


def _is_abbreviation(text: str, seg_start: int, dot: int) -> bool:
    m = re.search(r"([A-Za-z][A-Za-z.]*)$", text[seg_start:dot])
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1 and word.isupper():  # an initial: "Jack W. Rae"
        return True
    return word.lower().rstrip(".") in _ABBREVIATIONS


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
