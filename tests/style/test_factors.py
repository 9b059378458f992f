"""The literal strings that gate rules: every match contains one, or no gate at all."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import regex
from docs_audit.style.api import run_builtin
from docs_audit.style.factors import folded, required_factors
from docs_audit.style.regexes import compile_pattern


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?i:(?m:\b(?:simply|just)\b))", {"simply", "just"}),
        (r"(?m:\b(?:PRODUCTION_PROCESSES|PRODUCTION_PROCESS)\b)", {"production_process"}),
        (r"(?<![\w-])--[a-z][a-z0-9-]+\b", {"--"}),
        (r"[Dd]jango[-_][Tt]asks(?![\w-])", {"jango"}),
        (r"(?:to|can) setup", {" setup"}),
        (r"(a|b)+c", {"c"}),
        (r"a\.b\Kc", {"a.bc"}),
        (r"(?P<g1>abc)|(?<g2>de)", {"abc", "de"}),
        (r"x(?=yz)w", {"xw"}),
    ],
)
def test_factors_of_known_patterns(pattern: str, expected: set[str]) -> None:
    assert required_factors(pattern) == frozenset(expected)


@pytest.mark.parametrize(
    "pattern",
    [
        r"a|",  # an empty branch matches anywhere
        r"a?",
        r"foo{e<=1}",  # fuzzy: the literal need not be there
        r"x[[:alpha:]]y",  # a POSIX class is not a literal ']'
        r"(?x:a b)",  # verbose: spaces are not literal
        r"\x41",
        r"\p{L}+",
        r"(a)\1",
        r"(?(1)a|b)",
        r"a{",
        "(" * 5000 + "a" + ")" * 5000,  # deeper than the reader recurses
    ],
)
def test_patterns_it_cannot_read_have_no_factors(pattern: str) -> None:
    assert not required_factors(pattern)


@pytest.mark.parametrize(("letter", "other"), [("I", "\u0131"), ("i", "\u0130"), ("k", "\u212a")])
def test_folding_follows_regex_case_insensitive_matching(letter: str, other: str) -> None:
    # regex matches I with dotless i and i with dotted I, where Python's casefold does not.
    assert regex.fullmatch("(?i)" + letter, other)
    assert folded(letter) == folded(other)


def test_ascii_folding_is_the_general_folding() -> None:
    ascii_text = "".join(map(chr, range(128)))
    assert folded(ascii_text) == ascii_text.lower()
    assert folded(ascii_text + "\u00e9") == ascii_text.lower() + "\u00e9"


_ATOMS = [
    "a", "b", "A", "B", "I", "\u0131", "\u0130", "k", "\u212a", " ", "-", r"\.", ".",
    r"\w", r"\s", r"\b", r"\B", "^", "$", "[ab]", "[^a]", r"[\w-]",
]  # fmt: skip
_TEXT = "abABIi\u0131\u0130k\u212aK .-\n"


def _random_pattern(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.25 and depth < 2:
            inner = "|".join(_random_pattern(rng, depth + 1) for _ in range(rng.randint(1, 3)))
            head = rng.choice(["(", "(?:", "(?i:", "(?-i:", "(?=", "(?!", "(?<=", "(?<!", "(?>"])
            atom = head + inner + ")"
            consumes = head in ("(", "(?:", "(?i:", "(?-i:", "(?>")
        else:
            atom = rng.choice(_ATOMS)
            consumes = atom not in (r"\b", r"\B", "^", "$")
        if consumes and rng.random() < 0.3:
            atom += rng.choice(["?", "*", "+", "{2}", "{0,2}", "+?", "*+"])
        parts.append(atom)
    return "".join(parts)


def test_every_match_contains_a_factor() -> None:
    """Soundness on random patterns and texts: a gate never hides a match."""
    rng = random.Random(20261201)
    gated = 0
    for _ in range(3000):
        source = _random_pattern(rng)
        try:
            pattern = regex.compile(source, regex.MULTILINE)
        except regex.error:
            continue
        factors = required_factors(source)
        if not factors:
            continue
        gated += 1
        for _ in range(20):
            text = "".join(rng.choice(_TEXT) for _ in range(rng.randint(0, 12)))
            if pattern.search(text):
                assert any(f in folded(text) for f in factors), (source, text, factors)
    assert gated > 1000


def test_gated_rules_report_as_before(tmp_path: Path) -> None:
    """A rule on a block that holds none of its strings is skipped, one that does runs."""
    styles = tmp_path / "styles" / "T"
    styles.mkdir(parents=True)
    (styles / "Word.yml").write_text(
        "extends: existence\nmessage: \"Remove '%s'.\"\nlevel: error\nignorecase: true\n"
        "tokens:\n  - simply\n  - 'of\\s+course'\n",
        encoding="utf-8",
    )
    (tmp_path / ".vale.ini").write_text(
        "StylesPath = styles\nMinAlertLevel = suggestion\n\n[*.md]\nBasedOnStyles = T\n",
        encoding="utf-8",
    )
    (tmp_path / "page.md").write_text(
        "# Title\n\nNothing here.\n\nThen SIMPLY run it.\n\n- Of  course, it is.\n",
        encoding="utf-8",
    )
    run = run_builtin([Path("page.md")], tmp_path)
    assert [a.as_line() for a in run.alerts] == [
        "page.md:5:6:T.Word:Remove 'SIMPLY'.",
        "page.md:7:3:T.Word:Remove 'Of  course'.",
    ]
    assert required_factors(compile_pattern(r"(?i)\b(?:simply|of\s+course)\b").compiled.pattern)
