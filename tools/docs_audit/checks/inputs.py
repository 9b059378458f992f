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

NOT_REGULAR = external_rule(
    "DA007",
    "not-a-regular-file",
    FAMILY,
    """A page path that is a FIFO, a device, a socket or a link to one.

    Why: reading ``/dev/zero`` never ends and a FIFO blocks until something writes
    to it; Sphinx cannot build such a page either. docs-audit reads regular files only.

    Fix: replace it with a regular file, or exclude it (``exclude`` in
    ``[tool.docs-audit]``).
    """,
)
OUTSIDE_PROJECT = external_rule(
    "DA008",
    "link-outside-project",
    FAMILY,
    """A page that is a symlink to a file outside the project.

    Why: its text would end up in findings and in the link audit, although it is
    not part of the reviewed tree (a link to ``/etc/passwd`` would be parsed).

    Fix: copy the file into the project, or remove the link.
    """,
)
TOO_LARGE = external_rule(
    "DA009",
    "file-too-large",
    FAMILY,
    """A page larger than ``max-file-size`` (MB, default 10).

    Why: a page this large is almost certainly generated or pasted by mistake, and
    parsing it costs minutes and gigabytes; it is not read.

    Fix: split the page, exclude it, or raise ``max-file-size`` in ``[tool.docs-audit]``.
    """,
)
CACHE_DISCARDED = external_rule(
    "DA010",
    "cache-discarded",
    FAMILY,
    """The page cache could not be used and was rebuilt from the sources.

    Why: the cache file is corrupt, not a docs-audit cache, or was written by
    another docs-audit version, another Python or another page model. Nothing in it
    is trusted or executed; the run parses every page afresh and writes a new cache.

    Fix: nothing to do; the warning goes away on the next run. If it keeps coming
    back, something else writes into the cache folder (``cache-dir``).
    """,
    Severity.WARNING,
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
    rule.code: rule
    for rule in (
        UNREADABLE,
        NOT_UTF8,
        BINARY,
        UNCLOSED_FENCE,
        INVALID_MARKUP,
        NOT_REGULAR,
        OUTSIDE_PROJECT,
        TOO_LARGE,
        CACHE_DISCARDED,
    )
}
