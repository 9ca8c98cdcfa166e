"""Turning a prompt file into chat messages, and wrapping untrusted text as delimited data.

A prompt file (``llm/prompts/<name>.md``) holds the system part, a line ``---user---``, then the
user part. Placeholders are :class:`string.Template` names (``$claim``), filled with
``safe_substitute`` so the JSON braces in the prompts need no escaping and an unknown ``$word``
is left as it is. Substituted values are never expanded again, so a ``$name`` inside a document
stays literal.

Untrusted text — the input document, page passages, claims taken from the document — reaches
the model only inside tags (``<document>``, ``<claim>``, ``<passage …>``). :func:`neutralize_tags`
makes sure such text cannot open or close a tag of any name itself.
"""

from __future__ import annotations

import html
import re
from string import Template

from veracity.llm.base import Message, load_prompt

USER_MARKER = "---user---"
_MARKER_LINE = re.compile(rf"^{re.escape(USER_MARKER)}[ \t]*$", re.MULTILINE)

# any tag-like opening — "<passage", "</claim", "< / document", "<system>", "<|im_start|>", "<!--" —
# and its entity-escaped forms ("&lt;/passage")
_TAG_OPEN = re.compile(r"(?:<|&lt;?|&#0*60;?|&#x0*3c;?)([ \t]{0,8}/?[ \t]{0,8})([A-Za-z!?|])", re.IGNORECASE)


def split_prompt(text: str) -> tuple[str, str]:
    """The system and user parts of a prompt file's text (the user part may be empty)."""
    parts = _MARKER_LINE.split(text, maxsplit=1)
    if len(parts) == 1:
        return text.strip(), ""
    return parts[0].strip(), parts[1].strip()


def render_prompt(name: str, **values: str) -> list[Message]:
    """The messages of prompt ``name`` with ``values`` substituted: a system message, then a
    user message when the file has a user part."""
    system, user = split_prompt(load_prompt(name))
    messages: list[Message] = [{"role": "system", "content": Template(system).safe_substitute(values)}]
    if user:
        messages.append({"role": "user", "content": Template(user).safe_substitute(values)})
    return messages


def neutralize_tags(text: str) -> str:
    """``text`` with every tag-like opening defanged (``<`` becomes ``‹``): ``</passage``,
    ``<claim``, but also ``<system>``, ``<|im_start|>`` or any other, so data can neither end its
    block nor forge one the model might obey."""
    return _TAG_OPEN.sub(lambda m: f"‹{m.group(1)}{m.group(2)}", text)


def attr(value: str | None) -> str:
    """An attribute value, HTML-escaped and on one line."""
    return html.escape(" ".join((value or "").split()), quote=True)


def data_block(tag: str, text: str, **attributes: str | None) -> str:
    """``<tag a="…">`` text ``</tag>``, with the text neutralised and the attributes escaped."""
    attrs = "".join(f' {k}="{attr(v)}"' for k, v in attributes.items())
    return f"<{tag}{attrs}>\n{neutralize_tags(text).strip()}\n</{tag}>"
