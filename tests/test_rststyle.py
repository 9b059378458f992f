"""doc8 through its checks API: the page object docs-audit hands it gives the results
doc8's own ``ParsedFile`` gives, in the doc8 versions pyproject.toml allows."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from docs_audit.checks.rststyle import RstTable, doc8_results
from docs_audit.parsing.rst import parse_rst
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]

PAGE = (
    "Title\n=====\n\n"
    "A line with trailing space. \n"
    "\tIndented with a tab.\n"
    "A line that is far too long " + "x" * 120 + "\n\n"
    ".. code-block:: python\n\n   y = 1" + " " * 3 + "\n\n"
    "Ends without a newline"
)


def test_installed_doc8_is_in_the_pinned_range() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (pinned,) = [Requirement(r) for r in project["dependencies"] if r.startswith("doc8")]
    assert pinned.specifier, "doc8 must be pinned to a range"
    assert pinned.specifier.contains(metadata.version("doc8"))


# doc8's own ParsedFile (the reference here, not used by docs-audit) still builds a
# docutils OptionParser, which the installed docutils deprecates.
@pytest.mark.filterwarnings("ignore:The frontend.Option:DeprecationWarning")
def test_our_page_object_gives_doc8s_own_results(tmp_path: Path) -> None:
    from doc8 import checks
    from doc8.parser import ParsedFile

    path = tmp_path / "page.rst"
    path.write_text(PAGE, encoding="utf-8")
    table = RstTable()
    ours = sorted(doc8_results(parse_rst("page.rst", "page", PAGE), table))
    cfg = {"max_line_length": 100, "allow_long_titles": False, "sphinx": True, "ignore": []}
    parsed = ParsedFile(str(path))
    theirs = []
    for check in (
        checks.CheckTrailingWhitespace(cfg),
        checks.CheckIndentationNoTab(cfg),
        checks.CheckCarriageReturn(cfg),
        checks.CheckNewlineEndOfFile(cfg),
        checks.CheckMaxLineLength(cfg),
    ):
        if isinstance(check, checks.LineCheck):
            for number, line in enumerate(parsed.lines_iter(), start=1):
                theirs += [(code, number, message) for code, message in check.report_iter(line)]
        else:
            theirs += [(c, n, m) for n, c, m in check.report_iter(parsed)]
    assert {"D001", "D002", "D003", "D005"} <= {code for code, _, _ in theirs}
    assert [r for r in ours if r[0] != "D000"] == sorted(theirs)
