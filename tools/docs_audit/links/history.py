"""The link history: each URL's outcome per run, kept in SQLite between runs.

Scheduled monitoring is ignored when it cries wolf, and most red runs are timeouts
and bot blocks that come and go. With the history a transient failure (timeout,
reset, TLS error, 5xx, 429) stays a warning until the same URL has failed in
``report-after`` consecutive runs; definitive ones (404, 410, unknown host, redirect
loop) are errors at once. Either kind says since when it fails, and the Markdown
report can tell newly broken links from those still broken and those fixed since
the last run.

The store lives in the cache folder (CI restores it with the cache). Runs older than
``retention`` days are pruned. A store that is not a readable history (corrupt, or
some other database) is moved aside with a warning and a fresh one gets the current
run, so a run's results are never lost to a bad file.
"""

from __future__ import annotations

import contextlib
import datetime
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..findings import Finding, Severity
from . import rules
from .results import Failure, UrlResult, Verdict, split_fragment

if TYPE_CHECKING:
    from .config import LinkSettings


class AuditedRun(Protocol):
    """What the history reads and changes of a run (the link audit's LinkReport)."""

    results: dict[str, UrlResult]
    findings: list[Finding]
    warnings: list[str]
    network_unavailable: bool
    history: History | None


#: ``PRAGMA application_id`` of a docs-audit link history ("DALH").
APPLICATION_ID = 0x44414C48
SCHEMA_VERSION = 1
DAY = 86400.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS outcomes (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    verdict TEXT NOT NULL,
    failure TEXT,
    status INTEGER,
    severity TEXT,
    message TEXT NOT NULL,
    PRIMARY KEY (run, url)
);
CREATE INDEX IF NOT EXISTS outcomes_by_url ON outcomes (url, run);
"""

#: Verdicts that say nothing about the link: not recorded.
_UNRECORDED = frozenset({Verdict.SKIPPED, Verdict.IGNORED, Verdict.UNAVAILABLE})


@dataclass(frozen=True)
class Outcome:
    """What one run concluded about one URL (its fragment stripped).

    ``severity`` is the worst severity reported for the URL (``None``: nothing), so a
    missing anchor counts as broken although the page itself works.
    """

    url: str
    verdict: str
    failure: str | None
    status: int | None
    severity: str | None
    message: str
    started: float = 0.0

    @property
    def broken(self) -> bool:
        return self.failure is not None or self.severity == Severity.ERROR.value


@dataclass(frozen=True)
class Streak:
    """Consecutive broken runs of one URL up to and including this one."""

    runs: int
    since: float

    @property
    def since_date(self) -> str:
        return day(self.since)


@dataclass
class History:
    """What the history says about this run, for the findings and the report."""

    started: float
    #: This run's outcome per URL (only URLs whose verdict says something).
    current: dict[str, Outcome] = field(default_factory=dict)
    #: Each URL's latest outcome before this run.
    previous: dict[str, Outcome] = field(default_factory=dict)
    #: Broken URLs of this run: how long they have been broken.
    streaks: dict[str, Streak] = field(default_factory=dict)

    def newly_broken(self) -> list[str]:
        """Reported as errors now, and not in the previous run."""
        return sorted(
            url
            for url, outcome in self.current.items()
            if outcome.severity == Severity.ERROR.value and not self._was_error(url)
        )

    def still_broken(self) -> list[str]:
        """Reported as errors now and in the previous run."""
        return sorted(
            url
            for url, outcome in self.current.items()
            if outcome.severity == Severity.ERROR.value and self._was_error(url)
        )

    def fixed(self) -> list[str]:
        """Reported as errors in the previous run and working now."""
        return sorted(
            url
            for url, outcome in self.current.items()
            if self._was_error(url) and not outcome.broken
        )

    def _was_error(self, url: str) -> bool:
        before = self.previous.get(url)
        return before is not None and before.severity == Severity.ERROR.value


def day(timestamp: float) -> str:
    """The UTC date of ``timestamp``, as the report and the messages write it."""
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d")


def apply_history(
    report: AuditedRun, settings: LinkSettings, now: float | None = None
) -> History | None:
    """Record this run in the history and let it decide the failures' severities.

    Changes ``report`` in place: transient failures younger than ``report-after``
    runs become warnings, lasting ones say since when they fail, and
    ``report.history`` is set. Problems with the store go to ``report.warnings``.
    Nothing is recorded when the network was unavailable (nothing was learnt).
    """
    path = settings.history_file
    if path is None:
        return None
    started = time.time() if now is None else now
    store = _Store(path, settings.retention_days, report.warnings)
    try:
        recordable = [] if report.network_unavailable else _recordable(report.results)
        history = History(started, previous=store.previous(recordable))
        for url, result in report.results.items():
            if result.failure is not None:
                history.streaks[url] = _streak(store, url, started)
        report.findings = _adjust(report.findings, report.results, history, settings.report_after)
        history.current = _outcomes(report.results, report.findings, started)
        if not report.network_unavailable:
            store.record(started, history.current.values())
    finally:
        store.close()
    report.history = history
    return history


def _recordable(results: Mapping[str, UrlResult]) -> list[str]:
    return [url for url, result in results.items() if result.verdict not in _UNRECORDED]


def _streak(store: _Store, url: str, now: float) -> Streak:
    earlier = store.streak(url)
    if earlier is None:
        return Streak(1, now)
    return Streak(earlier.runs + 1, earlier.since)


#: The rules whose findings say that the URL itself failed.
FAILURE_CODES = frozenset(
    rule.code
    for rule in (
        rules.BROKEN,
        rules.TIMEOUT,
        rules.CONNECTION,
        rules.LOOP,
        rules.TOO_MANY_REDIRECTS,
        rules.RATE_LIMITED,
    )
)


def _adjust(
    findings: list[Finding],
    results: Mapping[str, UrlResult],
    history: History,
    report_after: int,
) -> list[Finding]:
    adjusted = []
    for finding in findings:
        result = results.get(split_fragment(finding.url)[0]) if finding.url else None
        if result is None or finding.code not in FAILURE_CODES or result.failure is None:
            adjusted.append(finding)
            continue
        streak = history.streaks[result.url]
        lasting = result.failure is Failure.DEFINITIVE or streak.runs >= report_after
        notes = []
        if streak.runs > 1:
            notes.append(f"failing since {streak.since_date}, {streak.runs} runs")
        if not lasting:
            more = report_after - streak.runs
            runs = "1 more run" if more == 1 else f"{more} more runs"
            notes.append(f"may be transient: an error if it still fails in {runs}")
        message = finding.message + (f" ({'; '.join(notes)})" if notes else "")
        severity = finding.severity if lasting else Severity.WARNING
        adjusted.append(replace(finding, message=message, severity=severity))
    return adjusted


def _outcomes(
    results: Mapping[str, UrlResult], findings: Iterable[Finding], started: float
) -> dict[str, Outcome]:
    worst: dict[str, Finding] = {}
    for finding in findings:
        if not finding.url:
            continue
        base = split_fragment(finding.url)[0]
        known = worst.get(base)
        if known is None or _rank(finding.severity) > _rank(known.severity):
            worst[base] = finding
    outcomes = {}
    for url, result in results.items():
        if result.verdict in _UNRECORDED:
            continue
        reported = worst.get(url)
        failure = result.failure
        outcomes[url] = Outcome(
            url,
            result.verdict.value,
            failure.value if failure is not None else None,
            result.status,
            reported.severity.value if reported is not None else None,
            reported.message if reported is not None else result.detail,
            started,
        )
    return outcomes


def _rank(severity: Severity) -> int:
    return {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}.get(severity, 0)


class _Corrupt(Exception):
    """The file is not a usable docs-audit link history."""


class _Store:
    """The SQLite file; every failure to use it becomes a warning, never an abort."""

    def __init__(self, path: Path, retention_days: int, warnings: list[str]) -> None:
        self.path = path
        self.retention = retention_days * DAY
        self.warnings = warnings
        self.connection: sqlite3.Connection | None = None
        self._open()

    # -- opening, and what to do with a bad file

    def _open(self) -> None:
        try:
            self.connection = self._connect()
        except _Corrupt as exc:
            self._set_aside(str(exc))
        except (sqlite3.Error, OSError) as exc:
            if _corrupt(exc):
                self._set_aside(str(exc))
            else:
                self._unusable(exc)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        existed = self.path.exists() and self.path.stat().st_size > 0
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            application = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if existed and (application, version) != (APPLICATION_ID, SCHEMA_VERSION):
                tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if application != APPLICATION_ID or tables:
                    raise _Corrupt("not a docs-audit link history")
            connection.executescript(_SCHEMA)
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            quick = connection.execute("PRAGMA quick_check").fetchone()[0]
            if quick != "ok":
                raise _Corrupt(f"integrity check failed: {quick}")
        except BaseException:
            connection.close()
            raise
        return connection

    def _set_aside(self, reason: str) -> None:
        """Move the bad file out of the way and start a fresh history."""
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        number = 1
        while aside.exists():  # never overwrite an earlier bad file
            number += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{number}")
        self.close()
        try:
            self.path.replace(aside)
            for suffix in ("-journal", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    self.path.with_name(self.path.name + suffix).unlink()
            self.connection = self._connect()
        except (sqlite3.Error, OSError, _Corrupt) as exc:
            self._unusable(exc)
            return
        self.warnings.append(
            f"{self.path}: link history unusable ({reason}); moved to {aside.name}, "
            "starting a fresh history"
        )

    def _unusable(self, exc: BaseException) -> None:
        self.close()
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        self.warnings.append(
            f"{self.path}: link history not available ({reason}); this run is not recorded"
        )

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self.connection.close()
            self.connection = None

    # -- reading

    def previous(self, urls: list[str]) -> dict[str, Outcome]:
        """The latest earlier outcome of each of ``urls`` that has one."""
        found: dict[str, Outcome] = {}
        for url in urls:
            rows = self._rows(url, limit=1)
            if rows:
                found[url] = rows[0]
        return found

    def streak(self, url: str) -> Streak | None:
        """The run of broken outcomes ending with the URL's latest one."""
        runs, since = 0, 0.0
        for outcome in self._rows(url, limit=None):
            if not outcome.broken:
                break
            runs, since = runs + 1, outcome.started
        return Streak(runs, since) if runs else None

    def _rows(self, url: str, limit: int | None) -> list[Outcome]:
        if self.connection is None:
            return []
        query = (
            "SELECT o.url, o.verdict, o.failure, o.status, o.severity, o.message, r.started "
            "FROM outcomes o JOIN runs r ON r.id = o.run WHERE o.url = ? "
            "ORDER BY r.started DESC, r.id DESC"
        )
        try:
            cursor = self.connection.execute(
                query + (f" LIMIT {int(limit)}" if limit is not None else ""), (url,)
            )
            return [Outcome(*row) for row in cursor.fetchall()]
        except sqlite3.Error as exc:
            if _corrupt(exc):
                self._set_aside(str(exc))
            else:
                self._unusable(exc)
            return []

    # -- writing

    def record(self, started: float, outcomes: Iterable[Outcome]) -> None:
        """Write this run, prune old runs; a corrupt file is replaced and written again."""
        rows = list(outcomes)
        for attempt in range(2):
            if self.connection is None:
                return
            try:
                self._write(started, rows)
                return
            except sqlite3.Error as exc:
                if attempt == 0 and _corrupt(exc):
                    self._set_aside(str(exc))
                    continue
                self._unusable(exc)
                return

    def _write(self, started: float, rows: list[Outcome]) -> None:
        assert self.connection is not None
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            run = connection.execute("INSERT INTO runs (started) VALUES (?)", (started,)).lastrowid
            connection.executemany(
                "INSERT INTO outcomes (run, url, verdict, failure, status, severity, message) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(run, o.url, o.verdict, o.failure, o.status, o.severity, o.message) for o in rows],
            )
            connection.execute("DELETE FROM runs WHERE started < ?", (started - self.retention,))
            connection.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise


def _corrupt(exc: BaseException) -> bool:
    """Whether ``exc`` says the file is damaged or no database (not: locked, read-only)."""
    if isinstance(exc, _Corrupt):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    return not isinstance(exc, sqlite3.OperationalError)
