"""Generated pages for the hostile style cases, shared by the tests and benchmarks/hostile.py."""

from __future__ import annotations

#: conf.py of the generated projects: Markdown pages are sources only with MyST, as in Sphinx.
CONF_PY = 'project = "hostile"\nextensions = ["myst_parser"]\n'

#: A repeat the Vale.Repetition rule reports, once per paragraph that has it.
REPEAT = "the the"


def one_megabyte_line(words: int = 250_000) -> str:
    """``the `` x ``words`` on line 3: 1 MB, one repeat per pair of words."""
    return "# Title\n\n" + "the " * words + "\n"


def hundred_thousand_lines() -> tuple[str, list[tuple[int, int]]]:
    """A Markdown page of 100,000 lines (headings, code, lists, paragraphs) and the
    1-based line and column of every :data:`REPEAT` in it."""
    lines = ["# Title", ""]
    expected = []
    block = 0
    while len(lines) < 100_000:
        block += 1
        kind = block % 25
        if kind == 0:
            lines += [f"## Section {block // 25}", ""]
        elif kind == 5:
            lines += ["```python", f"value = {block}", "```", ""]
        elif kind == 10:
            lines += [f"- item {block} of the list", f"- another item {block}", ""]
        elif kind == 17:
            prefix = f"Paragraph {block} says "
            expected.append((len(lines) + 1, len(prefix) + 1))
            lines += [f"{prefix}{REPEAT} rest.", ""]
        else:
            lines += [f"Paragraph {block} says the same thing as the one before it.", ""]
    return "\n".join(lines) + "\n", expected
