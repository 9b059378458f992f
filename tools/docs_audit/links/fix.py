"""``docs-audit links --fix`` / ``--diff``: moved links rewritten in the sources.

Two kinds of rewrite, each only where it is safe:

- a URL whose redirects start with permanent ones (301, 308) becomes the address
  the last of those points at (the address LK806 names), keeping the link's
  ``#fragment`` when the target has none;
- an ``http://`` URL becomes ``https://`` when the https address answers the same:
  same status, same final address, same media type.

Never rewritten: temporary redirects (302, 303, 307) and ``allowed-redirects``
(their verdict is not a permanent redirect), a target that looks like a login or
single sign-on page, the bare root of a site when the link had a path, a move from
https to http, and a target the markup could not hold as it is (spaces, quotes,
angle brackets, unbalanced brackets, trailing punctuation).

Only the URL itself changes: each Link of the Document model knows the line and
column its URL starts at, the text there must equal the URL, and code never has
links. Files keep their encoding (UTF-8, with or without a BOM), their line endings
and every other byte; writes go to a temporary file in the same folder, renamed
over the original, with the original's permission bits.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import stat
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from ..document import Problem
from .results import UrlResult, Verdict

if TYPE_CHECKING:
    from ..config import Config
    from ..findings import Finding
    from .api import LinkOccurrence, LinkReport
    from .config import LinkSettings
    from .network import Guard

#: Path segments, host labels and query keys of login and single sign-on pages.
_LOGIN_WORDS = re.compile(
    r"(?:^|[/._-])(?:log-?in|sign-?in|sign_in|sso|auth|oauth2?|saml2?|openid|cas|"
    r"authorize|idp|adfs|accounts?)(?=$|[/._-])",
    re.IGNORECASE,
)
_LOGIN_QUERY = re.compile(
    r"(?:^|&)(?:next|return_?to|returnurl|redirect_?uri|redirect_?to|continue|service|"
    r"relaystate|came_from|from)=",
    re.IGNORECASE,
)
#: Characters that would end or break the URL in Markdown or reStructuredText.
_UNSAFE = re.compile(r"[\s<>\"'`\\{}|^\x00-\x1f\x7f-\x9f]")
_TRAILING = ".,:;!?*'\""


@dataclass(frozen=True)
class Rewrite:
    """One URL, written at ``path:line:column``, to become ``new``."""

    path: str
    line: int
    column: int
    old: str
    new: str
    reason: str


@dataclass
class FixResult:
    """What ``--fix`` changed (or ``--diff`` would change)."""

    rewrites: list[Rewrite] = field(default_factory=list)
    #: One line per URL that could have been rewritten but was not, and why.
    skipped: list[str] = field(default_factory=list)
    diff: str = ""
    files: list[str] = field(default_factory=list)
    written: bool = False


def fix_links(
    report: LinkReport,
    config: Config,
    settings: LinkSettings,
    *,
    write: bool,
    guard: Guard | None = None,
) -> FixResult:
    """Plan the rewrites of ``report``'s URLs, then write them (``write``) or only diff them.

    The https twins of plain-http links are checked here, with the same settings
    (and ``guard``); nothing else is fetched.
    """
    twins = _check_twins(report, config, settings, guard)
    result = FixResult()
    for occurrence in report.occurrences:
        found = report.results.get(occurrence.base)
        if found is None:
            continue
        new, reason = _new_url(occurrence, found, twins.get(occurrence.base), settings)
        if new is None:
            if reason:
                result.skipped.append(
                    f"{occurrence.path}:{occurrence.line}:{occurrence.column}: "
                    f"{occurrence.url} not rewritten: {reason}"
                )
            continue
        result.rewrites.append(
            Rewrite(
                occurrence.path, occurrence.line, occurrence.column, occurrence.url, new, reason
            )
        )
    by_file: dict[str, list[Rewrite]] = defaultdict(list)
    for rewrite in result.rewrites:
        by_file[rewrite.path].append(rewrite)
    diffs, applied = [], []
    seen: set[str] = set()
    for relpath, rewrites in sorted(by_file.items()):
        path = Path(relpath) if Path(relpath).is_absolute() else config.root / relpath
        if os.path.realpath(path) in seen:
            continue  # the same file under a second name: its URLs are the same
        seen.add(os.path.realpath(path))
        change = _change_file(path, relpath, rewrites, config, result.skipped)
        if change is None:
            continue
        before, after, done = change
        if write:
            try:
                # A page may be a link to a file inside the project: write the file.
                _write_atomically(Path(os.path.realpath(path)), before.encode(after))
            except OSError as exc:
                result.skipped.append(f"{relpath}: not rewritten: cannot write ({exc.strerror})")
                continue
        applied += done
        bom = "\ufeff" if before.bom else ""  # a byte of the file like any other
        diffs.append(_diff(relpath, bom + before.text, bom + after))
        result.files.append(relpath)
    result.rewrites = applied
    result.diff = "".join(diffs)
    result.written = write and bool(applied)
    return result


def fix_and_tell(
    report: LinkReport, config: Config, settings: LinkSettings, *, write: bool
) -> FixResult:
    """:func:`fix_links` for the command: what happened goes to stderr, the diff
    (without ``write``) to stdout."""
    import click

    result = fix_links(report, config, settings, write=write)
    from ..report.escape import printable

    for line in result.skipped:
        # Targets come from servers' Location headers: no control characters reach the terminal.
        click.echo(f"docs-audit links: {printable(line)}", err=True)
    count = len(result.rewrites)
    what = f"{count} URL{'' if count == 1 else 's'} in {len(result.files)} "
    what += "file" if len(result.files) == 1 else "files"
    if write:
        click.echo(f"docs-audit links: --fix: rewrote {what}", err=True)
    else:
        click.echo(result.diff, nl=False)
        click.echo(f"docs-audit links: --diff: {what} would be rewritten", err=True)
    return result


def without_fixed(findings: Iterable[Finding], fixed: Iterable[Rewrite]) -> list[Finding]:
    """``findings`` minus the permanent-redirect findings of the URLs just rewritten."""
    from .rules import PERMANENT_REDIRECT

    places = {(r.path, r.line, r.column) for r in fixed}
    return [
        f
        for f in findings
        if not (f.code == PERMANENT_REDIRECT.code and (f.path, f.line, f.column) in places)
    ]


# --------------------------------------------------------------------------- deciding


def _new_url(
    occurrence: LinkOccurrence,
    result: UrlResult,
    twin: UrlResult | None,
    settings: LinkSettings,
) -> tuple[str | None, str]:
    """The URL to write instead, with why; or ``None`` with why not ("" when not a candidate)."""
    if result.verdict is Verdict.REDIRECTED:
        target = result.permanent_target
        if target is None:
            return None, "its redirect chain is not known (checked from an older cache)"
        why_not = why_not_rewrite(occurrence.base, target, settings)
        if why_not:
            return None, why_not
        status = next(hop.status for hop in result.hops if hop.target == target)
        return _with_fragment(target, occurrence.fragment), f"permanent redirect ({status})"
    if twin is not None and _answers_the_same(result, twin):
        target = twin.url
        why_not = why_not_rewrite(occurrence.base, target, settings)
        if why_not:
            return None, why_not
        return _with_fragment(target, occurrence.fragment), "https answers the same"
    return None, ""


def why_not_rewrite(source: str, target: str, settings: LinkSettings) -> str:
    """Why ``source`` must not become ``target`` ("" when it may)."""
    old, new = urlsplit(source), urlsplit(target)
    if any(s.match(source) and t.match(target) for s, t in settings.allowed_redirects):
        return "matched by allowed-redirects"
    if old.scheme == "https" and new.scheme != "https":
        return f"the target {target} is not https"
    if _login_like(old, new):
        return f"the target {target} looks like a login page"
    if new.path in ("", "/") and not new.query and old.path not in ("", "/"):
        return f"the target {target} is the site's front page"
    if _UNSAFE.search(target) or target.endswith(tuple(_TRAILING)) or not _balanced(target):
        return f"the target {target} cannot be written safely in the page"
    return ""


def _login_like(old: SplitResult, new: SplitResult) -> bool:
    """Login words in the target's host, path or query that the original did not have."""
    if _login_words(new) - _login_words(old):
        return True
    return bool(_LOGIN_QUERY.search(new.query)) and not _LOGIN_QUERY.search(old.query)


def _login_words(parts: SplitResult) -> set[str]:
    text = (parts.hostname or "") + "/" + parts.path
    return {match.group(0).strip("/._-").lower() for match in _LOGIN_WORDS.finditer(text)}


def _balanced(url: str) -> bool:
    return url.count("(") == url.count(")") and url.count("[") == url.count("]")


def _with_fragment(target: str, fragment: str) -> str:
    return f"{target}#{fragment}" if fragment and "#" not in target else target


def _answers_the_same(plain: UrlResult, twin: UrlResult) -> bool:
    """Whether the https twin of a working http URL is the same page over TLS."""
    if twin.verdict is not Verdict.OK or twin.status != plain.status:
        return False
    if _without_scheme(twin.final_url or twin.url) != _without_scheme(plain.final_url or plain.url):
        return False
    return _media(plain.content_type) == _media(twin.content_type) or None in (
        plain.content_type,
        twin.content_type,
    )


def _without_scheme(url: str) -> str:
    return url.split("://", 1)[-1]


def _media(content_type: str | None) -> str | None:
    return content_type.split(";", 1)[0].strip().lower() if content_type else None


def _check_twins(
    report: LinkReport, config: Config, settings: LinkSettings, guard: Guard | None
) -> Mapping[str, UrlResult]:
    """Results for the https twin of every working plain-http URL, keyed by the http URL."""
    from ..document import Document, Link
    from .api import check_links

    plain = sorted(
        url
        for url, result in report.results.items()
        if result.verdict is Verdict.OK and urlsplit(url).scheme == "http"
    )
    if not plain:
        return {}
    twins = ["https" + url[len("http") :] for url in plain]
    probe = Document(
        relpath="<https twins>",
        docname="<https twins>",
        format="md",
        text="\n".join(twins),
        links=[Link(url, number, 1) for number, url in enumerate(twins, start=1)],
    )
    checked = check_links(
        [probe], config, settings=replace(settings, history_file=None), guard=guard
    )
    return {url: checked.results[twin] for url, twin in zip(plain, twins, strict=True)}


# --------------------------------------------------------------------------- editing


@dataclass(frozen=True)
class _Source:
    """A page as bytes on disk and as text, with what it takes to write it back the same."""

    text: str
    bom: bool

    def encode(self, text: str) -> bytes:
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")


def _change_file(
    path: Path, relpath: str, rewrites: list[Rewrite], config: Config, skipped: list[str]
) -> tuple[_Source, str, list[Rewrite]] | None:
    # Read the way the project reads pages: regular files inside the project only.
    from ..project import _max_bytes, _project_root
    from ..sources import decode_source, read_source

    data = read_source(path, _project_root(config), _max_bytes(config))
    text = data if isinstance(data, Problem) else decode_source(data)
    if isinstance(text, Problem):
        skipped.append(f"{relpath}: not rewritten: {text.message}")
        return None
    assert isinstance(data, bytes)
    source = _Source(text, data.startswith(b"\xef\xbb\xbf"))
    # The same split as the parsers', so line numbers agree; the ends are kept.
    lines = source.text.splitlines(keepends=True)
    done = []
    # Right to left within a line, so earlier columns stay valid.
    for rewrite in sorted(rewrites, key=lambda r: (r.line, r.column), reverse=True):
        where = f"{relpath}:{rewrite.line}:{rewrite.column}"
        index, start = rewrite.line - 1, rewrite.column - 1
        line = lines[index] if 0 <= index < len(lines) else ""
        if line[start : start + len(rewrite.old)] != rewrite.old:
            skipped.append(
                f"{where}: {rewrite.old} not rewritten: the source spells it differently there"
            )
            continue
        lines[index] = line[:start] + rewrite.new + line[start + len(rewrite.old) :]
        done.append(rewrite)
    if not done:
        return None
    return source, "".join(lines), sorted(done, key=lambda r: (r.line, r.column))


def _diff(relpath: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        f"a/{relpath}",
        f"b/{relpath}",
    )
    out = []
    for line in lines:
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` in one rename, keeping its permission bits."""
    mode = stat.S_IMODE(path.stat().st_mode)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
