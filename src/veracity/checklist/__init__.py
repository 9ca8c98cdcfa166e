"""Checklist stage: an input document becomes a list of atomic, self-contained claims.

:func:`split_claims` is the offline, rule-based splitter (no language model); see
:mod:`veracity.checklist.rules` for the rules it applies.
"""

from veracity.checklist.rules import classify_claim, main_subject, split_claims

__all__ = ["classify_claim", "main_subject", "split_claims"]
