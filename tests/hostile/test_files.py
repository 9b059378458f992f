"""Files that are not what a page should be: each is one DA finding, and the run ends."""

from __future__ import annotations

import os
from pathlib import Path

from .conftest import audit, make_project


def finding_lines(output: str, code: str) -> list[str]:
    return [line for line in output.splitlines() if f" {code} " in line]


def test_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    docs = make_project(tmp_path)
    (docs / "zero.md").symlink_to("/dev/zero")
    done = audit(tmp_path, "check", "--select", "DA")
    assert done.returncode == 1, done.stderr
    assert finding_lines(done.stdout, "DA007") == [
        "docs/zero.md:1:1: DA007 not a regular file: it is a character device; only files are read"
    ]


def test_fifo_page_does_not_block(tmp_path: Path) -> None:
    docs = make_project(tmp_path)
    os.mkfifo(docs / "pipe.md")
    done = audit(tmp_path, "check", "--select", "DA")
    assert done.returncode == 1, done.stderr
    assert finding_lines(done.stdout, "DA007") == [
        "docs/pipe.md:1:1: DA007 not a regular file: it is a FIFO (named pipe); only files are read"
    ]


def test_symlink_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere" / "secret.md"
    secret.parent.mkdir()
    secret.write_text("# Secret\n\nSee https://secret.invalid/token and {ref}`nowhere`.\n")
    project = tmp_path / "project"
    docs = make_project(project)
    (docs / "leak.md").symlink_to(secret)
    done = audit(project, "check", "--format", "json")
    assert done.returncode == 1, done.stderr
    assert "secret.invalid" not in done.stdout and "nowhere" not in done.stdout
    assert '"code": "DA008"' in done.stdout
    assert f"symlink to {secret.resolve()}, outside the project" in done.stdout


def test_symlink_inside_the_project_is_read(tmp_path: Path) -> None:
    docs = make_project(tmp_path)
    (tmp_path / "shared.md").write_text("# Shared\n\nSee {ref}`nowhere`.\n", encoding="utf-8")
    (docs / "shared.md").symlink_to(tmp_path / "shared.md")
    done = audit(tmp_path, "check", "--select", "DA,RF201")
    assert "DA008" not in done.stdout
    assert "docs/shared.md:3:5: RF201" in done.stdout


def test_file_over_the_size_cap_is_not_read(tmp_path: Path) -> None:
    docs = make_project(tmp_path)
    with (docs / "huge.md").open("wb") as stream:
        stream.truncate(11_000_000)  # sparse: over the default 10 MB without writing it
    done = audit(tmp_path, "check", "--select", "DA")
    assert done.returncode == 1, done.stderr
    assert finding_lines(done.stdout, "DA009") == [
        "docs/huge.md:1:1: DA009 file is 11.0 MB, over the 10.0 MB limit "
        "([tool.docs-audit] max-file-size); not read"
    ]


def test_size_cap_is_configurable(tmp_path: Path) -> None:
    docs = make_project(tmp_path, "max-file-size = 0.001\n")
    (docs / "page.md").write_text("# Page\n\n" + "word " * 400 + "\n", encoding="utf-8")
    done = audit(tmp_path, "check", "--select", "DA")
    assert "docs/page.md:1:1: DA009 file is 0.0 MB, over the 0.0 MB limit" in done.stdout
    assert "docs/index.md" not in done.stdout


def test_unreadable_folder_is_reported(tmp_path: Path) -> None:
    docs = make_project(tmp_path)
    locked = docs / "locked"
    locked.mkdir()
    (locked / "page.md").write_text("# Hidden\n", encoding="utf-8")
    locked.chmod(0)
    # root reads everything; without these two capabilities it obeys the mode bits.
    prefix = (
        ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.getuid() == 0 else []
    )
    try:
        done = audit(tmp_path, "check", "--select", "DA", prefix=prefix)
    finally:
        locked.chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert finding_lines(done.stdout, "DA001") == [
        "docs/locked/:1:1: DA001 cannot read folder: Permission denied"
    ]


def test_deeply_nested_rst_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    docs = make_project(tmp_path)
    items = "\n".join("  " * depth + f"- item {depth}\n" for depth in range(200))
    (docs / "deep.rst").write_text("Deep\n====\n\n" + items, encoding="utf-8")
    done = audit(tmp_path, "check", "--select", "DA")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert finding_lines(done.stdout, "DA005") == [
        "docs/deep.rst:1:1: DA005 markup nested too deeply to parse; flatten the nesting of this page"
    ]


def test_utf16_page_is_named_as_such(tmp_path: Path) -> None:
    docs = make_project(tmp_path)
    (docs / "bom.md").write_bytes("# Page\n\nText.\n".encode("utf-16"))
    (docs / "nobom.md").write_bytes("# Page\n\nText.\n".encode("utf-16-le"))
    done = audit(tmp_path, "check", "--select", "DA")
    lines = finding_lines(done.stdout, "DA002")
    assert len(lines) == 2, done.stdout
    for line in lines:
        assert "encoded as UTF-16 LE, not UTF-8; re-save it as UTF-8" in line
    assert "DA003" not in done.stdout


def test_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path) -> None:
    docs = make_project(tmp_path)
    page = docs / "page.md"
    page.write_text("# Page\n\nSee {ref}`home`.\n", encoding="utf-8")
    first = audit(tmp_path, "check", "--select", "RF201")
    assert first.returncode == 0, first.stdout
    before = page.stat()
    page.write_text("# Page\n\nSee {ref}`hxme`.\n", encoding="utf-8")  # same size
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_size == before.st_size
    second = audit(tmp_path, "check", "--select", "RF201")
    assert second.returncode == 1
    assert "docs/page.md:3:5: RF201" in second.stdout
