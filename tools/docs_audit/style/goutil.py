"""Small string helpers that behave like the Go functions Vale uses.

Vale works on UTF-8 bytes and counts columns in runes; the helpers taking
``bytes`` keep that so that positions come out as Vale's do.
"""

from __future__ import annotations

import re
from functools import lru_cache

_VERB = re.compile(r"%(?:\[(\d+)\])?([-+# 0]*\d*(?:\.\d+)?)([a-zA-Z%])")


def _format_one(verb: str, value: object) -> str:
    if verb in "sv":
        return str(value)
    if verb == "d":
        if isinstance(value, int):
            return str(value)
        return f"%!d(string={value})"
    if verb == "q":
        return '"' + str(value).replace('"', '\\"') + '"'
    return f"%!{verb}({value})"


def sprintf(message: str, *args: object) -> str:
    """Go's ``fmt.Sprintf`` as Vale's ``CondSprintf``: extra arguments are ignored."""
    out: list[str] = []
    pos = 0
    index = 0
    for match in _VERB.finditer(message):
        out.append(message[pos : match.start()])
        pos = match.end()
        explicit, _, verb = match.groups()
        if verb == "%":
            out.append("%")
            continue
        if explicit:
            index = int(explicit) - 1
        if index < len(args):
            out.append(_format_one(verb, args[index]))
        else:
            out.append(f"%!{verb}(MISSING)")
        index += 1
    out.append(message[pos:])
    return "".join(out)


def to_sentence(words: list[str], conjunction: str) -> str:
    """``core.ToSentence``: "'a'", "'a' or 'b'", "'a', 'b', or 'c'"."""
    if not words:
        return ""
    if len(words) == 1:
        return f"'{words[0]}'"
    if len(words) == 2:
        return f"'{words[0]}' {conjunction} '{words[1]}'"
    quoted = [f"'{w}'" for w in words]
    quoted[-1] = f"{conjunction} {quoted[-1]}"
    return ", ".join(quoted)


def cap_first(text: str) -> str:
    """Upper-case the first byte, as Go's ``strings.ToUpper(s[:1]) + s[1:]``."""
    if not text:
        return text
    first = text[0]
    return (first.upper() if first.isascii() else first) + text[1:]


def is_phrase(text: str) -> bool:
    return all(ch.isalpha() or ch.isdigit() or ch in " -" for ch in text)


def is_letters(text: str) -> bool:
    """Every character a letter (true of the empty string, as Go's loop over none)."""
    return not text or text.isalpha()


def is_code(text: str) -> bool:
    return all(ch in "*@" for ch in text)


def fields(text: str) -> list[str]:
    return text.split()


def rune_len(data: bytes | bytearray) -> int:
    """``utf8.RuneCountInString``: invalid bytes count one each."""
    return len(data.decode("utf-8", errors="replace"))


def substitute(
    source: bytes | bytearray, sub: bytes | bytearray, char: bytes
) -> tuple[bytes, bool]:
    """``core.Substitute``: mask the first ``sub`` rune by rune, newlines kept."""
    idx = source.find(sub)
    if idx < 0:
        return bytes(source), False
    # Every rune becomes one byte, so a masked multi-byte rune shrinks: that
    # is Go's strings.Map, and FindLoc counts runes, so lines still line up.
    try:
        bytes(sub).decode("utf-8")
    except UnicodeDecodeError:
        text = sub.decode("utf-8", errors="surrogateescape")
        masked = "".join(ch if ch == "\n" else "\x00" for ch in text)
        repl = masked.encode("ascii").replace(b"\x00", char)
    else:
        # Valid UTF-8 has one byte per rune that is not a continuation byte, so
        # the same result comes from two C-level passes instead of one Python
        # step per character (this runs for every alert that is not anchored,
        # on everything before it in the file).
        repl = bytes(sub).translate(None, _CONTINUATION).translate(_mask_table(char))
    return bytes(source[:idx] + repl + source[idx + len(sub) :]), True


_CONTINUATION = bytes(range(0x80, 0xC0))


@lru_cache(maxsize=4)
def _mask_table(char: bytes) -> bytes:
    """Every byte but a line break becomes ``char``."""
    return bytes(0x0A if b == 0x0A else char[0] for b in range(256))
