"""Plain front matter is read without PyYAML: it must be exactly what PyYAML accepts as a
mapping without a true ``orphan``, and everything else must still go to PyYAML."""

from __future__ import annotations

import random

import pytest
import yaml
from docs_audit.parsing.myst import _PLAIN_FRONT_MATTER, parse_myst

PIECES = ["a", "Z", "_", "-", "1", " ", ".", ",", "/", "+", ":", "#", "'", '"', "é", "\t", "[", "*"]


def _random_front_matter(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 4)):
        key = rng.choice(["title", "sd_hide_title", "html-meta", "orphan", "x", "1a", "-k"])
        value = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 8)))
        lines.append(rng.choice([f"{key}: {value}", f"{key}:{value}", f"# {value}", value]))
    return "\n".join(lines) + "\n"


def test_plain_front_matter_is_what_pyyaml_reads_as_a_mapping_without_orphan() -> None:
    rng = random.Random(1729)
    plain = 0
    for _ in range(20_000):
        text = _random_front_matter(rng)
        if not _PLAIN_FRONT_MATTER.fullmatch(text):
            continue
        plain += 1
        data = yaml.safe_load(text)  # raises if the fast path let invalid YAML through
        assert data is None or isinstance(data, dict), text
        assert not (data or {}).get("orphan"), text
    assert plain > 1000  # the generator really exercises the fast path


@pytest.mark.parametrize(
    ("front", "orphan", "problems"),
    [
        ("sd_hide_title: true\n", False, 0),
        ("orphan: true\n", True, 0),
        ("title: a: b\n", False, 1),  # not plain: PyYAML reports it
        ("html_meta:\n  description: x\n", False, 0),
    ],
)
def test_front_matter_verdicts(front: str, orphan: bool, problems: int) -> None:
    doc = parse_myst("docs/p.md", "p", f"---\n{front}---\n\n# Title\n")
    assert doc.orphan is orphan
    assert len([p for p in doc.problems if p.code == "DA005"]) == problems
