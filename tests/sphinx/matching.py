"""Matching docs-audit's findings with Sphinx's warnings, place by place.

Sphinx names the first line of the paragraph that holds a reference; docs-audit names
the reference's own line. A finding matches a warning of the same file and kind when
its line lies within the paragraph that starts at Sphinx's line.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

Place = tuple[str, str, int]  # (path, code, line)


@lru_cache(maxsize=256)
def _lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def paragraph_end(root: Path, relpath: str, line: int) -> int:
    """The last line of the paragraph (text block) that starts at ``line``."""
    lines = _lines(root / relpath)
    end = line
    while end < len(lines) and lines[end].strip():
        end += 1
    return max(end, line)


def match(
    ours: Counter[Place], theirs: Counter[Place], root: Path
) -> tuple[Counter[Place], Counter[Place]]:
    """``(missed, extra)``: Sphinx's warnings nothing matched, and our unmatched findings."""
    left = Counter(ours)
    missed: Counter[Place] = Counter()
    for (path, code, line), count in sorted(theirs.items()):
        end = paragraph_end(root, path, line)
        for _ in range(count):
            candidate = next(
                (
                    place
                    for place in sorted(left)
                    if left[place] > 0
                    and place[0] == path
                    and place[1] == code
                    and line <= place[2] <= end
                ),
                None,
            )
            if candidate is None:
                missed[(path, code, line)] += 1
            else:
                left[candidate] -= 1
    return missed, +left
