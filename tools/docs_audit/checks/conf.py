"""What docs-audit could not read from conf.py, said once per setting."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context
from ..findings import Severity
from ..project import project_relpath
from ..registry import Violation, project_rule

FAMILY = "sphinx"


@project_rule("SX001", "conf-value-not-read", FAMILY, Severity.INFO)
def conf_value_not_read(ctx: Context) -> Iterator[Violation]:
    """A setting in ``conf.py`` that docs-audit needs is computed, so it was not read.

    Why: docs-audit reads ``conf.py`` without running it and takes literal values
    only; for a computed one (an environment variable, a function call, a change
    under a condition it cannot decide) it keeps Sphinx's default or the value
    written before, which may not be what Sphinx uses.

    Fix: set the value in ``[tool.docs-audit.sphinx]`` (``docs-audit config``
    lists the keys), or opt into ``execute-conf = true`` to run ``conf.py`` in a
    subprocess. Turn the note off with ``ignore = ["SX001"]``.
    """
    conf = ctx.project.sphinx
    if conf.path is None:
        return
    path = project_relpath(ctx.config, conf.path)
    for note in conf.notes:
        yield Violation(path, note.line, 1, note.message)
