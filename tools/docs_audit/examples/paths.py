"""Dotted paths in the text: deprecated ones reported, every public backend named somewhere."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..document import Document
from .client import ProbeAnswer
from .extract import Spot
from .report import Add, offset_spot


def _path_pattern(path: str, tail: str = "") -> re.Pattern[str]:
    return re.compile(r"(?<![\w.])" + re.escape(path) + tail + r"(?!\w)")


def deprecated_mentions(doc: Document, answer: ProbeAnswer, add: Add) -> None:
    """Every mention of a deprecated module (with or without a class), with its new home."""
    for module, names in answer.deprecated.items():
        for match in _path_pattern(module, r"(?:\.(\w+))?").finditer(doc.text):
            new = names.get(match.group(1) or "")
            if new:
                advice = f"use {new!r}"
            else:
                homes = sorted({path.rsplit(".", 1)[0] for path in names.values()})
                advice = f"its classes live in {', '.join(homes)}" if homes else "do not use it"
            add(
                "PS103",
                offset_spot(doc.text, match.start()),
                f"{match.group(0)!r} is a deprecated path (importing {module} warns); {advice}",
            )


def undocumented_backends(
    doc: Document, texts: Iterable[str], answer: ProbeAnswer, add: Add
) -> None:
    """Public backends that no page names by their full dotted path, reported on ``doc``."""
    spot = Spot(doc.headings[0].line, doc.headings[0].column) if doc.headings else Spot(1, 1)
    texts = list(texts)
    for path in answer.backends:
        pattern = _path_pattern(path)
        if not any(pattern.search(text) for text in texts):
            add(
                "PS108",
                spot,
                f"{path} is a public backend class of {answer.distribution} "
                "but no page names it by its full dotted path",
            )
    for error in answer.coverage_errors:
        add("PS108", spot, f"cannot list the backends of {error}")
