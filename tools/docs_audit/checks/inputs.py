"""Files that cannot be read or parsed as they stand."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context
from ..document import Document
from ..findings import Severity
from ..registry import Violation, external_rule, page_rule

FAMILY = "input"

UNREADABLE = external_rule(
    "DA001",
    "unreadable-file",
    FAMILY,
    """A page that cannot be read at all.

    Why: the file vanished while the run was going on, is a broken or looping
    symlink, or its permissions forbid reading. Nothing else can be checked in it.

    Fix: restore the file or remove it from the docs tree.
    """,
)
NOT_UTF8 = external_rule(
    "DA002",
    "invalid-utf8",
    FAMILY,
    """A page that is not valid UTF-8.

    Why: Sphinx reads sources as UTF-8 and stops on the first invalid byte. The
    finding points at that byte (line and column).

    Fix: re-save the file as UTF-8.
    """,
)
BINARY = external_rule(
    "DA003",
    "binary-file",
    FAMILY,
    """A file with a documentation suffix that holds binary data (NUL bytes).

    Fix: rename or remove it; binary assets belong in ``_static`` with their own suffix.
    """,
)
UNCLOSED_FENCE = external_rule(
    "DA004",
    "unclosed-fence",
    FAMILY,
    """A code fence (```` ``` ````, ``~~~`` or ``:::``) that is never closed.

    Why: everything after it, to the end of the page or container, becomes code,
    so headings, labels and links below it silently vanish from the site.

    Example::

        ```python
        print("hello")
        (no closing fence)

    Fix: close the fence with the same marker, at least as long as the opening one.
    """,
)
INVALID_MARKUP = external_rule(
    "DA005",
    "invalid-markup",
    FAMILY,
    """Markup the parser rejects: broken directive options, malformed front matter,
    RST syntax errors (docutils errors and severe messages).

    Fix: correct the markup at the reported line; the message is the parser's own.
    """,
)


@page_rule("DA006", "empty-file", FAMILY, Severity.WARNING)
def empty_file(doc: Document, ctx: Context) -> Iterator[Violation]:
    """A page with no content.

    Why: an empty page builds into a blank page with no title, and Sphinx warns
    about a toctree entry without a title.

    Fix: write the page or delete it.
    """
    if not doc.text.strip():
        yield Violation(doc.relpath, 1, 1, "page is empty")


BY_CODE = {
    rule.code: rule for rule in (UNREADABLE, NOT_UTF8, BINARY, UNCLOSED_FENCE, INVALID_MARKUP)
}
