"""The style family's rule codes (VL7xx): one per Vale level, plus problems.

VL700 was a configuration-error code that was never emitted (configuration errors
are usage errors, exit status 2); it stays retired and is never reused.
"""

from __future__ import annotations

from ..findings import Severity
from ..registry import RULES, Rule, external_rule

FAMILY = "style"


def _rule(code: str, name: str, doc: str, severity: Severity) -> Rule:
    existing = RULES.get(code)
    return existing if existing is not None else external_rule(code, name, FAMILY, doc, severity)


ERROR = _rule(
    "VL701",
    "vale-error",
    """A style rule of level `error` matched.

    What it does: runs the Vale rules of `.vale.ini` (with the `vale` binary when it is
    installed, else the built-in engine) and reports each alert; the message starts with
    the rule's name, e.g. `[DjangoProdserver.ProductNames]`, and says what to write instead.
    """,
    Severity.ERROR,
)
WARNING = _rule(
    "VL702",
    "vale-warning",
    """A style rule of level `warning` matched (see VL701).""",
    Severity.WARNING,
)
SUGGESTION = _rule(
    "VL703",
    "vale-suggestion",
    """A style rule of level `suggestion` matched (see VL701).""",
    Severity.INFO,
)
UNREADABLE = _rule(
    "VL704",
    "style-unreadable-file",
    """A page could not be linted for style: it is not valid UTF-8.

    Use instead: save the file as UTF-8; the other pages are still checked.
    """,
    Severity.ERROR,
)
REGEX_TIMEOUT = _rule(
    "VL705",
    "style-regex-timeout",
    """A rule's regular expression ran past its time limit on a page and was stopped.

    What it does: every pattern of a Vale rule (and `BlockIgnores`/`TokenIgnores`) runs
    with a limit of CPU time per block of text (see the README's "Limits"). A pattern
    such as `(a|a)+$` backtracks exponentially on some text; instead of hanging, the
    rule is stopped for the rest of that page and this finding names the rule, the
    pattern and the page. A rule whose searches each stay under the limit but take
    more than 20 s on one page in all is stopped the same way. The other rules and
    pages are still checked.

    Use instead: rewrite the pattern without nested or overlapping repetition
    (`a+$` for `(a|a)+$`).
    """,
    Severity.ERROR,
)
BY_LEVEL = {"error": ERROR, "warning": WARNING, "suggestion": SUGGESTION}
