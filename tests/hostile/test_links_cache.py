"""The link cache under abuse: interrupted runs, changed settings, concurrent runs, tampering."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from ..links.simweb import HANG, Reply, SimWeb, Site
from .links_server import DOCS_AUDIT, GUARD_SECONDS, audit, project


def rows(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {url for (url,) in db.execute("SELECT url FROM results")}


def test_answers_survive_an_interrupted_run(tmp_path: Path) -> None:
    with SimWeb() as web:
        site = web.add(Site())
        for n in range(20):
            site.route(f"/ok-{n}", Reply(200))
        site.route("/hang", Reply(action=HANG))
        urls = [site.url(f"/ok-{n}") for n in range(20)] + [site.url("/hang")]
        root = project(tmp_path, urls, "timeout = 30\nrequest-deadline = 60\n")
        process = subprocess.Popen(
            [str(DOCS_AUDIT), "links", "--allow-private", "--no-progress"],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        waited = 0.0
        while site.count() < 21 and waited < GUARD_SECONDS:
            time.sleep(0.05)
            waited += 0.05
        time.sleep(0.5)  # the last answers reach the client
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=GUARD_SECONDS)
    assert process.returncode == 2
    assert "Traceback" not in err
    assert rows(root / "cache.sqlite") == set(urls[:20])


def test_a_verdict_is_not_reused_under_other_settings(tmp_path: Path) -> None:
    with SimWeb() as web:
        site = web.add(Site())
        site.route("/members", Reply(999))
        root = project(tmp_path, [site.url("/members")], "accept-status = [999]\n")
        assert audit(root).status == 0
        project(tmp_path, [site.url("/members")])  # the acceptance is removed
        again = audit(root)
        assert again.status == 1
        assert again.only()["code"] == "LK801"
        assert site.count("/members") == 2


def test_concurrent_runs_keep_each_others_answers(tmp_path: Path) -> None:
    with SimWeb() as web:
        site = web.add(Site(latency=0.02))
        for n in range(40):
            site.route(f"/p{n}", Reply(200))
        first, second = tmp_path / "a", tmp_path / "b"
        shared = tmp_path / "shared.sqlite"
        table = f'cache-file = "{shared}"\n'
        project(first, [site.url(f"/p{n}") for n in range(0, 40, 2)], table)
        project(second, [site.url(f"/p{n}") for n in range(1, 40, 2)], table)
        command = [str(DOCS_AUDIT), "links", "--allow-private", "--no-progress"]
        runs = [
            subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for root in (first, second)
        ]
        for run in runs:
            run.communicate(timeout=GUARD_SECONDS)
            assert run.returncode == 0
    assert rows(shared) == {site.url(f"/p{n}") for n in range(40)}


@pytest.mark.parametrize(
    ("name", "damage", "warning"),
    [
        ("truncated", lambda p: p.write_bytes(p.read_bytes()[:1500]), "link cache"),
        ("json-file", lambda p: p.write_text('{"format": 1}'), "link cache discarded"),
        ("zero-bytes", lambda p: p.write_bytes(b""), None),
        ("random", lambda p: p.write_bytes(bytes(range(256)) * 64), "link cache discarded"),
    ],
)
def test_a_damaged_cache_file_is_discarded_and_the_run_goes_on(
    tmp_path: Path, name: str, damage: object, warning: str | None
) -> None:
    with SimWeb() as web:
        site = web.add(Site())
        site.route("/ok", Reply(200))
        root = project(tmp_path, [site.url("/ok"), site.url("/gone")])
        assert audit(root).status == 1
        damage(root / "cache.sqlite")  # type: ignore[operator]
        for suffix in ("-wal", "-shm"):
            (root / f"cache.sqlite{suffix}").unlink(missing_ok=True)
        run = audit(root)
        assert run.status == 1
        assert run.only()["code"] == "LK801"
        if warning is not None:
            assert warning in run.stderr
        # A later run works from a good cache again.
        later = audit(root)
        assert later.status == 1
        assert "warning" not in later.stderr
        assert site.count("/ok") == 2


@pytest.mark.parametrize(
    ("name", "sql"),
    [
        ("other-schema", "DROP TABLE results; CREATE TABLE results (x)"),
        ("other-version", "UPDATE meta SET value = '99' WHERE key = 'version'"),
    ],
)
def test_a_foreign_schema_is_set_aside_with_a_warning(tmp_path: Path, name: str, sql: str) -> None:
    with SimWeb() as web:
        site = web.add(Site())
        site.route("/ok", Reply(200))
        root = project(tmp_path, [site.url("/ok")])
        assert audit(root).status == 0
        with sqlite3.connect(root / "cache.sqlite") as db:
            db.executescript(sql)
        run = audit(root)
        assert run.status == 0
        assert "link cache discarded" in run.stderr
        assert (root / "cache.sqlite.corrupt").exists()
        assert rows(root / "cache.sqlite") == {site.url("/ok")}


def test_malformed_and_deeply_nested_entries_are_dropped(tmp_path: Path) -> None:
    with SimWeb() as web:
        site = web.add(Site())
        site.route("/ok", Reply(200))
        site.route("/other", Reply(200))
        root = project(tmp_path, [site.url("/ok"), site.url("/other")])
        assert audit(root).status == 0
        nested = "[" * 100_000 + "]" * 100_000
        with sqlite3.connect(root / "cache.sqlite") as db:
            db.execute("UPDATE results SET data = ? WHERE url = ?", (nested, site.url("/ok")))
            db.execute(
                "UPDATE results SET data = ? WHERE url = ?",
                (json.dumps({"verdict": "ok"}), site.url("/other")),
            )
        run = audit(root)
        assert run.status == 0
        assert "dropped 2 malformed link cache entries" in run.stderr
        assert site.count("/ok") == 2 and site.count("/other") == 2
