"""Reading a page's bytes and text without trusting the file system.

Only regular files inside the project are read, and no more than the size cap:
a page that is a symlink to ``/dev/zero`` would otherwise grow without end, a FIFO
would block for ever, and a symlink out of the project would put another file's
text into findings and the link audit. Each refusal is a :class:`Problem` (DA code)
for that page, never an error for the run.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .document import Problem

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}
_BOMS = {b"\xff\xfe": "UTF-16 LE", b"\xfe\xff": "UTF-16 BE"}
_RESAVE = "re-save it as UTF-8 (for example: iconv -f UTF-16 -t UTF-8 FILE > NEW)"


def read_source(path: Path, project_root: Path, max_bytes: int) -> bytes | Problem:
    """The bytes of a page, or why it is not read."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer. O_NOFOLLOW: a regular
    # file costs one open, one fstat and one read; only links take the long way.
    flags = os.O_RDONLY | os.O_NONBLOCK
    try:
        descriptor = os.open(path, flags | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            return os_problem(exc)
        refused = _refuse_link(path, project_root)
        if refused:
            return refused
        try:
            descriptor = os.open(path, flags)
        except OSError as again:
            return os_problem(again)
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            return _not_regular(info.st_mode)
        if info.st_size > max_bytes:
            return _too_large(info.st_size, max_bytes)
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return _too_large(len(data), max_bytes)
    return data


def _not_regular(mode: int) -> Problem:
    kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return Problem("DA007", 1, 1, f"not a regular file: it is {kind}; only files are read")


def _refuse_link(path: Path, project_root: Path) -> Problem | None:
    # Folders below the docs root are walked without following links, so only a
    # linked file itself can lead out of the project.
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return os_problem(exc)
    if not stat.S_ISREG(mode):
        return _not_regular(mode)
    real = Path(os.path.realpath(path))
    if real.is_relative_to(project_root):
        return None
    return Problem(
        "DA008", 1, 1, f"symlink to {real}, outside the project ({project_root}); not read"
    )


def _too_large(size: int, max_bytes: int) -> Problem:
    return Problem(
        "DA009",
        1,
        1,
        f"file is {_megabytes(size)}, over the {_megabytes(max_bytes)} limit "
        "([tool.docs-audit] max-file-size); not read",
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def decode_source(data: bytes) -> str | Problem:
    """UTF-8 text (a BOM is dropped), or where and why it is not."""
    utf16 = _utf16_kind(data)
    if utf16:
        return Problem("DA002", 1, 1, f"encoded as {utf16}, not UTF-8; {_RESAVE}")
    if b"\x00" in data[:8192]:
        return Problem("DA003", 1, 1, "binary file (contains NUL bytes); not a text page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return Problem(
            "DA002",
            line,
            column,
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
        )


def _utf16_kind(data: bytes) -> str | None:
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            return name
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    # Text without a BOM: ASCII characters leave every other byte NUL.
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "UTF-16 LE"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "UTF-16 BE"
    return None


def os_problem(exc: OSError, what: str = "file") -> Problem:
    reason = exc.strerror or type(exc).__name__
    return Problem("DA001", 1, 1, f"cannot read {what}: {reason}")
