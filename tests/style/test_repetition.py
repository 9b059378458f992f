"""Vale.Repetition's quick test for blocks without a repeat gives the full check's answers."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from docs_audit.style.api import resolve_config
from docs_audit.style.checks import Repetition
from docs_audit.style.model import Block, FileState
from docs_audit.style.rules import load_rules

# Words (case variants; some with the four characters that Python's white space has
# and regex's has not) and separators (sentence stops, regex white space, those four).
WORDS = ["the", "The", "THE", "\u017fhe", "a", "\u00df", "SS", "ss", "a\x1cb", "\x1cthe", "the\x1f",
         "1", "\u00e9", "\u00c9"]  # fmt: skip
SEPARATORS = [" ", "  ", ".", "! ", "?", "\n", "\u00a0", "\u2003", "\x1c", "\x1f", ""]


def _rule(tmp_path: Path) -> Repetition:
    (tmp_path / "styles").mkdir(parents=True)
    (tmp_path / ".vale.ini").write_text(
        "StylesPath = styles\n\n[*.md]\nBasedOnStyles = Vale\n", encoding="utf-8"
    )
    rule = load_rules(resolve_config(tmp_path)).rules["Vale.Repetition"]
    assert isinstance(rule, Repetition) and rule.words
    return rule


def _alerts(rule: Repetition, text: str) -> list[tuple[str, list[int]]]:
    return [(a.match, a.span) for a in rule.run(Block(text, "text.md", b""), FileState([], {}))]


@pytest.mark.parametrize("alpha", [True, False])
def test_the_quick_test_never_hides_a_repeat(tmp_path: Path, alpha: bool) -> None:
    quick = _rule(tmp_path)
    full = _rule(tmp_path / "full")
    full.words = False
    quick.alpha = full.alpha = alpha
    rng = random.Random(20261201)
    repeats = 0
    for _ in range(5000):
        pieces: list[str] = []
        word = ""
        for _ in range(rng.randint(1, 6)):
            word = word if word and rng.random() < 0.4 else rng.choice(WORDS)
            pieces += [word, rng.choice(SEPARATORS)]
        text = "".join(pieces)
        expected = _alerts(full, text)
        assert _alerts(quick, text) == expected, repr(text)
        repeats += bool(expected)
    assert repeats > 200
