"""From a source file to the HTML that Vale's walker reads, and the search context.

Vale converts Markdown with goldmark (GFM plus footnotes) and reStructuredText
with docutils' ``rst2html``, then walks the HTML. Here markdown-it-py (with the
GFM-like table, strikethrough and autolink rules) and docutils' Python API do
the converting. ``BlockIgnores`` and ``TokenIgnores`` matches are turned into
code before converting, as Vale does, so they are never linted.

With ``myst`` on, MyST is understood: the bodies of prose directives such as
admonitions are linted, code-like directives, ``(label)=`` targets, ``%``
comments and role targets are not.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from docutils.core import publish_string
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from ..parsing.directives import prose_directives, split_options
from .regexes import compile_pattern

# Directives whose body is Markdown prose (the parsers' table); everything else is code-like.
PROSE_DIRECTIVES = prose_directives()
# Roles whose content is prose (``{abbr}`...```); reference roles lint only
# their explicit text (``{ref}`text <target>```); all others are code.
TEXT_ROLES = frozenset({"abbr", "guilabel", "menuselection", "sub", "sup", "dfn", "term"})
REFERENCE_ROLES = frozenset({"ref", "doc", "numref", "any", "download", "term", "eq"})

_EXPLICIT = re.compile(r"^(?P<text>.+?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)

# prepMarkdown's masks: info strings, link references and definitions, and
# ordered-list numbers, so that a match is never located inside them.
_INFO = re.compile(r"`{3,}.+")
_LINK_REF = re.compile(r"\]\[(?:[^]\n]+)\]")
_LINK_DEF = re.compile(r"\[(?:[^]\n]+)\]:")
_NUMBERED = re.compile(r"(?m)^\d+\.")
# MyST syntax that is not prose: masked in the search context too.
_MYST_TARGET = re.compile(r"(?m)^[ \t]*\([^()\n]+\)=[ \t]*$")
_MYST_COMMENT = re.compile(r"(?m)^[ \t]*%.*$")
_MYST_ROLE_NAME = re.compile(r"\{[\w:.+-]+\}(?=`)")
_MYST_ROLE_TARGET = re.compile(r"(?<=\})`[^`\n]*?<([^<>`\n]+)>`")
_COLON_FENCE = re.compile(r"(?m)^[ \t]*:{3,}.*$")


def _stars(match: re.Match[str]) -> str:
    return "*" * len(match.group())


def prep_markdown(content: str, myst: bool) -> str:
    """Vale's ``prepMarkdown`` (plus MyST masks): the context alerts are located in."""

    def info(match: re.Match[str]) -> str:
        text = match.group()
        ticks = len(text) - len(text.lstrip("`"))
        return "`" * ticks + "*" * (len(text) - ticks)

    body = _INFO.sub(info, content)
    body = _LINK_REF.sub(lambda m: "][" + "*" * (len(m.group()) - 3) + "]", body)
    body = _LINK_DEF.sub(lambda m: "[" + "*" * (len(m.group()) - 3) + "]:", body)
    body = _NUMBERED.sub(_stars, body)
    if myst:
        # A mask whose literal part the page lacks is not scanned for (line by line).
        if ")=" in body:
            body = _MYST_TARGET.sub(_stars, body)
        if "%" in body:
            body = _MYST_COMMENT.sub(_stars, body)
        if ":::" in body:
            body = _COLON_FENCE.sub(_stars, body)
        body = _MYST_ROLE_NAME.sub(_stars, body)
        if "}`" in body:
            body = _MYST_ROLE_TARGET.sub(
                lambda m: m.group().replace("<" + m.group(1) + ">", "*" * (len(m.group(1)) + 2)),
                body,
            )
    return body


@dataclass(frozen=True)
class Ignores:
    """The ``BlockIgnores`` and ``TokenIgnores`` patterns that apply to one file."""

    blocks: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.rstrip("\n").split("\n"))


def apply_ignores(content: str, ext: str, ignores: Ignores) -> str:
    """Vale's ``applyPatterns``: ignored blocks and tokens become code."""

    def group(match: Any) -> str:
        text: str = match.group(1) if match.re.groups else match.group()
        return text or ""

    for source in ignores.blocks:
        pattern = compile_pattern(source)
        if ext == ".rst":
            content = pattern.sub(lambda m: "\n::\n\n" + _indent(group(m), "    ") + "\n", content)
        else:
            content = pattern.sub(lambda m: "\n```\n" + group(m) + "\n```\n", content)
    delimiter = "``" if ext == ".rst" else "`"
    for source in ignores.tokens:
        pattern = compile_pattern(source)
        content = pattern.sub(lambda m: delimiter + group(m) + delimiter, content)
    return content


class _Renderer(RendererHTML):
    """goldmark-like HTML, with MyST directives and roles resolved."""

    def _directive(self, token: Token, env: EnvType) -> str:
        info = token.info.strip()
        if not info.startswith("{") or "}" not in info:
            return self._code(token)
        name = info[1 : info.index("}")].strip()
        argument = info[info.index("}") + 1 :].strip()
        if name not in PROSE_DIRECTIVES:
            return self._code(token)
        parts = [f'<div class="directive {html.escape(name)}">\n']
        if argument and name not in ("figure", "include"):
            parts.append(f'<p class="admonition-title">{html.escape(argument)}</p>\n')
        body = split_options(token.content, 1).body
        md = env.get("__md__")
        if isinstance(md, MarkdownIt):
            parts.append(md.render(body, {"__md__": md}))
        parts.append("</div>\n")
        return "".join(parts)

    @staticmethod
    def _code(token: Token) -> str:
        return f"<pre><code>{html.escape(token.content)}</code></pre>\n"

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        if env.get("__myst__") and token.info.strip().startswith("{"):
            return self._directive(token, env)
        return self._code(token)

    def colon_fence(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return self._directive(tokens[idx], env)

    def myst_role(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        name = str(token.meta.get("name", ""))
        content = token.content
        explicit = _EXPLICIT.match(content)
        if name in REFERENCE_ROLES and explicit:
            return html.escape(explicit.group("text"))
        if name in TEXT_ROLES and name not in REFERENCE_ROLES:
            return html.escape(content)
        return f"<code>{html.escape(content)}</code>"

    def _nothing(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return ""

    myst_target = _nothing
    myst_line_comment = _nothing
    myst_block_break = _nothing
    front_matter = _nothing

    def math_block(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return self._code(tokens[idx])

    math_block_label = math_block

    def math_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f"<code>{html.escape(tokens[idx].content)}</code>"


@lru_cache(maxsize=2)
def markdown_parser(myst: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": False}, renderer_cls=_Renderer)
    md.enable(["table", "strikethrough"])
    md.use(gfm_autolink_plugin).use(footnote_plugin).use(front_matter_plugin)
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    if myst:
        md.use(myst_role_plugin).use(myst_block_plugin).use(colon_fence_plugin).use(deflist_plugin)
    # Plugins register their own renderers; ours decide what counts as prose.
    renderer = md.renderer
    assert isinstance(renderer, _Renderer)
    for name in (
        "fence", "colon_fence", "myst_role", "myst_target", "myst_line_comment",
        "myst_block_break", "front_matter", "math_block", "math_block_label", "math_inline",
    ):  # fmt: skip
        renderer.rules[name] = getattr(renderer, name)
    return md


def markdown_to_html(content: str, myst: bool) -> str:
    md = markdown_parser(myst)
    return str(md.render(content, {"__md__": md, "__myst__": myst}))


# Vale rewrites Sphinx directives before calling rst2html.
_RST_SPHINX = re.compile(r".. (?:glossary|contents)::")
_RST_CODE = re.compile(r"\.\. (?:raw|code(?:-block)?):: *(?:[\w-]+)?(?:\s+:\w+:.*)*")


def rst_to_html(content: str) -> str:
    """docutils' HTML for ``content``, as ``rst2html`` with Vale's options prints it."""
    source = _RST_SPHINX.sub(".. code::", content)
    source = _RST_CODE.sub("::", source)
    output = publish_string(
        source,
        writer_name="html",
        settings_overrides={
            "report_level": 5,
            "halt_level": 5,
            "file_insertion_enabled": False,
            "raw_enabled": True,
            "toc_backlinks": "none",
            "footnote_backlinks": False,
            "sectnum_xform": False,
            "embed_stylesheet": False,
            "output_encoding": "unicode",
            "_disable_config": True,
            "warning_stream": False,
        },
    )
    text = output if isinstance(output, str) else output.decode("utf-8")
    text = text.replace("\r", "")
    start = text.find("<body>\n")
    start = start + 7 if start >= 0 else 0
    end = text.find("\n</body>")
    if end < 0:
        end = max(len(text) - 1, 0)
    return text[start:end]
