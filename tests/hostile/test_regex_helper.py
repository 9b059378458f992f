"""The shared helper that runs user patterns under a time limit."""

from __future__ import annotations

import pytest
from docs_audit.saferegex import PatternError, RegexTimeout, compile_safe

CATASTROPHIC = r"(a|a)+$"
HOSTILE_TEXT = "a" * 60 + "b"


def test_a_catastrophic_search_is_stopped_and_names_the_pattern() -> None:
    pattern = compile_safe(CATASTROPHIC, timeout=0.05)
    with pytest.raises(RegexTimeout) as caught:
        pattern.search(HOSTILE_TEXT)
    assert caught.value.pattern == CATASTROPHIC
    assert "(a|a)+$" in str(caught.value)


def test_a_catastrophic_scan_is_stopped() -> None:
    pattern = compile_safe(CATASTROPHIC, timeout=0.05)
    with pytest.raises(RegexTimeout):
        list(pattern.finditer(HOSTILE_TEXT))
    with pytest.raises(RegexTimeout):
        pattern.sub("x", HOSTILE_TEXT)


def test_ordinary_patterns_behave_as_usual() -> None:
    pattern = compile_safe(r"\b(\w+) \1\b")
    assert [m.group(1) for m in pattern.finditer("the the cat sat sat")] == ["the", "sat"]
    assert pattern.sub(r"\1", "the the") == "the"
    assert pattern.search("no repeat here") is None
    assert compile_safe("b").match("abc", 1) is not None


def test_the_message_shows_what_the_user_wrote() -> None:
    pattern = compile_safe("(?i:x)+", source="(?i)x+", timeout=1)
    assert pattern.pattern == "(?i)x+"


def test_an_invalid_pattern_is_a_pattern_error() -> None:
    with pytest.raises(PatternError, match=r"invalid regular expression '\(unclosed'"):
        compile_safe("(unclosed")


def test_a_trusted_pattern_has_no_limit_and_the_same_matches() -> None:
    timed = compile_safe(r"(?i)([^\s.!?]+)", timeout=0.05)
    trusted = timed.trusted()
    text = "The the cat. Sat sat!"
    assert trusted.timeout is None and timed.timeout == 0.05
    assert [m.span() for m in trusted.finditer(text)] == [m.span() for m in timed.finditer(text)]
