"""The install the README gives (`pip install -e .`) must be complete on its own, with any pip.

Regression: with pip 23 (Python 3.11's bundled pip), trafilatura's ``lxml[html_clean]`` extra was
skipped ("lxml 6.1.3 does not provide the extra 'html_clean'"), so every HTML page failed with
an ImportError; CI upgrades pip first and did not see it. The module is now a direct dependency.
"""

from __future__ import annotations

import re
import tomllib

from conftest import REPO


def _dependency_names() -> set[str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    names = set()
    for spec in data["project"]["dependencies"]:
        match = re.match(r"[A-Za-z0-9_.-]+", spec)
        assert match, spec
        names.add(match.group(0).lower().replace("-", "_"))
    return names


def test_html_cleaner_is_a_direct_dependency_and_works() -> None:
    assert "lxml_html_clean" in _dependency_names()
    import lxml_html_clean  # noqa: F401
    from lxml.html.clean import Cleaner  # what trafilatura's readability fallback imports

    cleaned = Cleaner(javascript=True).clean_html("<div><script>x()</script><p>kept</p></div>")
    assert "kept" in cleaned and "script" not in cleaned


def test_agent_dependencies_are_core() -> None:
    """The research agent is part of the default install: no extra to remember."""
    assert {"openai", "tenacity", "httpx"} <= _dependency_names()
