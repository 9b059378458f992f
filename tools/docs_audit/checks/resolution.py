"""What a reference can be decided against, shared by the reference checks and the summary.

Sphinx resolves some references from facts the sources do not hold: objects autodoc
imports from the package, and other projects' inventories (intersphinx). Such a
reference is *undecided*: never an error, counted in the summary. A reference with an
intersphinx prefix is decided offline when ``docs-audit inventories`` (or ``links``)
has cached that inventory.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import Counter
from dataclasses import dataclass

from ..context import Context
from ..document import Document, Reference
from ..intersphinx import Objects, Resolver
from ..toc import join_docname, strip_suffix
from .included import by_page, included_content, myst_include_option
from .labels import label_index
from .options import described_options, program_at, qualified_name, resolve_option

#: Extensions that document objects Sphinx learns about by importing code.
OBJECT_EXTENSIONS = (
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "autoapi.extension",
    "sphinx_automodapi.automodapi",
    "sphinxcontrib.autohttp",
    "sphinx_click",
    "sphinxarg.ext",
)
#: Extensions that write ``option`` and ``envvar`` descriptions from code (a click or
#: argparse command line): names they describe are not in the sources.
CLI_EXTENSIONS = (
    "sphinx_click",
    "sphinxarg.ext",
    "sphinxcontrib.autoprogram",
    "sphinx_argparse_cli",
    "sphinxcontrib.typer",
)
#: Roles of the standard domain that docs-audit decides from the sources.
STD_ROLES = frozenset(
    {"ref", "doc", "numref", "any", "link", "inv", "term", "keyword", "envvar", "option"}
)
_OBJECT_NAME = re.compile(r"^[~.]?[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*(?:\(\))?$")


@dataclass
class Resolution:
    """Facts computed once per run."""

    intersphinx: Resolver
    #: Whether names Sphinx resolves to objects (autodoc, intersphinx) may exist unseen.
    objects_possible: bool
    #: Whether an extension describes options and envvars the sources do not hold.
    cli_generated: bool = False


def resolution(ctx: Context) -> Resolution:
    return ctx.computed(_resolution)


def _resolution(ctx: Context) -> Resolution:
    conf = ctx.project.sphinx
    possible = bool(conf.intersphinx) or any(
        ext.startswith(OBJECT_EXTENSIONS) for ext in conf.extensions
    )
    generated = any(ext.startswith(CLI_EXTENSIONS) for ext in conf.extensions)
    return Resolution(Resolver(ctx.config, conf), possible, generated)


def role_of(ref: Reference) -> str:
    """The role as Sphinx names it: ``ref``, ``doc``, ``py:class``..."""
    return ref.kind


def is_domain_role(ref: Reference) -> bool:
    """A Python (or other domain's) object reference: never decidable from the sources."""
    kind = ref.kind
    domain, _, name = kind.rpartition(":")
    if domain in ("", "std"):
        return name not in STD_ROLES
    return True


def could_be_object(ctx: Context, target: str) -> bool:
    """Whether an unresolved ``any``/Markdown-link target may be an object Sphinx knows
    from autodoc or an inventory (then it is undecided, not an error)."""
    if not resolution(ctx).objects_possible:
        return False
    return bool(_OBJECT_NAME.match(target.strip()))


@dataclass(frozen=True)
class Outcome:
    """How one reference resolves: ``ok``, ``error`` (with the rule code and Sphinx's
    message), or ``undecided`` (with the reason counted in the summary)."""

    state: str
    code: str = ""
    message: str = ""


OK = Outcome("ok")


def classify(doc: Document, ref: Reference, ctx: Context) -> Outcome:
    """Resolve ``ref`` as Sphinx would, from the tree, conf.py and cached inventories.

    Once per reference and run: the checks ask, and so does the summary's count.
    """
    known = ctx.computed(_classified)
    key = (id(doc), ref)  # included content resolves in each including page apart
    outcome = known.get(key)
    if outcome is None:
        outcome = known[key] = _classify(doc, ref, ctx)
    return outcome


def _classified(ctx: Context) -> dict[tuple[int, Reference], Outcome]:
    return {}


def _classify(doc: Document, ref: Reference, ctx: Context) -> Outcome:
    facts = resolution(ctx)
    role = role_of(ref)
    if role == "inv":
        return _inventory_link(ctx, ref.target)
    if role != "link" and ref.target.startswith("!"):
        return OK  # Sphinx's roles make ``!target`` plain text, no reference
    verdict = facts.intersphinx.resolve(role, ref.target)
    if verdict is not None:
        if verdict.state == "found":
            return OK
        if verdict.state == "undecided":
            return Outcome("undecided", message="intersphinx")
        if is_domain_role(ref) and ctx.project.sphinx.ignores_nitpick(
            _domain_type(role), ref.target
        ):
            return OK
        return Outcome(
            "error",
            "RF207",
            f"{role} reference target not found in the '{verdict.prefix}' inventory: {ref.target}",
        )
    if is_domain_role(ref):
        if ctx.project.sphinx.ignores_nitpick(_domain_type(role), ref.target):
            return OK
        return Outcome("undecided", message="object")
    if role in ("ref", "numref"):
        if ref.target.lower() in label_names(ctx) or facts.intersphinx.anywhere(role, ref.target):
            return OK
        return Outcome("error", "RF201", f"undefined label: '{ref.target}'")
    if role == "doc":
        # Exactly as Sphinx: the target is a docname; a source suffix makes it unknown.
        if join_docname(doc.docname, ref.target) in ctx.project.documents:
            return OK
        return Outcome("error", "RF202", f"unknown document: '{ref.target}'")
    if role == "any":
        if ref.target.lower() in label_names(ctx) or ref.target in ctx.project.documents:
            return OK
        # Sphinx's ``any`` tries options too, under the program current there.
        option = _option_verdict(ctx, doc, ref)[0] if described_options(ctx) else "missing"
        if option != "missing":
            return OK if option == "found" else Outcome("undecided", message="option-program")
        return _unresolved(ctx, role, ref.target, f"'any' reference target not found: {ref.target}")
    if role == "term":
        if ref.target.lower() in term_names(ctx) or facts.intersphinx.anywhere(role, ref.target):
            return OK
        return Outcome("error", "RF210", f"term not in glossary: {ref.target!r}")
    if role == "envvar":
        return _envvar(ctx, ref.target)
    if role == "option":
        return _option(ctx, doc, ref)
    if role == "link":
        problem = link_problem(doc, ref, ctx)
        if problem is None:
            return OK
        path = ref.target.partition("#")[0]
        return _unresolved(ctx, role, path or ref.target, problem)
    return OK


def _unresolved(ctx: Context, role: str, target: str, message: str) -> Outcome:
    facts = resolution(ctx)
    if facts.intersphinx.anywhere("any", target):
        return OK
    if could_be_object(ctx, target) and not target.endswith((".md", ".rst")):
        return Outcome("undecided", message="object")
    return Outcome("error", "RF203", message)


def term_names(ctx: Context) -> set[str]:
    """Every glossary term of the tree, lowercased (Sphinx matches terms so)."""
    return ctx.computed(_term_names)


def _term_names(ctx: Context) -> set[str]:
    return {t.name.lower() for d in _with_included(ctx) for t in d.terms}


def _envvar(ctx: Context, target: str) -> Outcome:
    # Only -n (nitpicky) makes Sphinx warn here, so nitpick_ignore applies.
    described = {o.name for d in _with_included(ctx) for o in d.objects if o.kind == "envvar"}
    resolver = resolution(ctx).intersphinx
    if target in described or ctx.project.sphinx.ignores_nitpick("std:envvar", target):
        return OK
    if resolver.anywhere("envvar", target):
        return OK
    if resolution(ctx).cli_generated:
        return Outcome("undecided", message="object")
    if resolver.prefixes and not resolver.all_cached():
        return Outcome("undecided", message="intersphinx")
    return Outcome("error", "RF211", f"'envvar' reference target not found: {target}")


def _option(ctx: Context, doc: Document, ref: Reference) -> Outcome:
    """``:option:``, under the program current where it is written (:mod:`.options`)."""
    target = ref.target.strip()
    if ctx.project.sphinx.ignores_nitpick("std:option", target):
        return OK
    verdict, program = _option_verdict(ctx, doc, ref)
    if verdict == "found":
        return OK
    resolver = resolution(ctx).intersphinx
    qualified = qualified_name(program, target)
    if resolver.anywhere("option", target) or (
        qualified is not None and resolver.anywhere("option", qualified)
    ):
        return OK
    if verdict == "maybe":
        return Outcome("undecided", message="option-program")
    if resolution(ctx).cli_generated:
        return Outcome("undecided", message="object")
    if resolver.prefixes and not resolver.all_cached():
        return Outcome("undecided", message="intersphinx")
    return Outcome("error", "RF212", f"unknown option: {target!r}")


def _option_verdict(ctx: Context, doc: Document, ref: Reference) -> tuple[str, str | None]:
    options = described_options(ctx)
    where = _written_in(ctx, doc, ref)
    program = program_at(ctx, doc, where, ref.line)
    return resolve_option(options, program, ref.target), program


def _inventory_link(ctx: Context, target: str) -> Outcome:
    """MyST's ``inv:key:domain:type#name`` (``*`` for any inventory, parts optional)."""
    spec, _, name = target.partition("#")
    key, _, kind = spec.partition(":")
    resolver = resolution(ctx).intersphinx
    keys = list(resolver.prefixes) if key in ("", "*") else [key]
    if not name or any(k not in resolver.prefixes for k in keys):
        return Outcome("error", "RF207", f"unknown intersphinx inventory in 'inv:{target}'")
    loaded = [resolver.objects(k) for k in keys]
    if any(found_types(objects, kind, name) for objects in loaded if objects is not None):
        return OK
    if any(objects is None for objects in loaded):
        return Outcome("undecided", message="intersphinx")
    return Outcome("error", "RF207", f"inventory link target not found: 'inv:{target}'")


def found_types(objects: Objects, kind: str, name: str) -> bool:
    if not kind or kind == "*":
        return objects.has(None, name)
    domain, _, objtype = kind.partition(":")
    if not objtype or objtype == "*":
        return objects.domain_has(domain, name)
    return objects.has([kind], name)


def label_names(ctx: Context) -> set[str]:
    return ctx.computed(_label_names)


def _label_names(ctx: Context) -> set[str]:
    builtin = {n.lower() for n in ctx.table("references")["builtin-labels"]}
    included = {
        label.name.lower() for item in included_content(ctx) for label in item.document.labels
    }
    return set(label_index(ctx)) | builtin | included


def link_problem(doc: Document, ref: Reference, ctx: Context) -> str | None:
    """Why a Markdown link inside the project leads nowhere (``None`` when it resolves)."""
    destination = _relative_doc(ctx, doc, ref)
    path, _, anchor = destination.partition("#")
    if not path:
        if _has_anchor(ctx, doc, anchor) or anchor.lower() in label_names(ctx):
            return None
        return f"'myst' cross-reference target not found: '{anchor}'"
    docname = join_docname(doc.docname, strip_suffix(path))
    target = ctx.project.documents.get(docname)
    if target is None:
        if not path.endswith((".md", ".rst")) and (
            path.lower() in label_names(ctx) or _file_exists(ctx, doc, path)
        ):
            return None
        return f"'myst' cross-reference target not found: '{destination}'"
    if anchor and not _has_anchor(ctx, target, anchor):
        return f"local id not found in doc '{docname}': '{anchor}'"
    return None


def _relative_doc(ctx: Context, doc: Document, ref: Reference) -> str:
    """The link's destination as MyST reads it: in content included with the
    ``relative-docs`` option, a destination starting with the option's prefix is
    relative to the included file (``_handle_relative_docs``), not to the page."""
    prefixes = myst_include_option(ctx, doc, "relative-docs")
    if not prefixes or ref.target.startswith("#"):
        return ref.target
    where = _written_in(ctx, doc, ref)
    prefix = prefixes.get(where.relpath) if where is not doc else None
    if prefix is None or not ref.target.startswith(prefix):
        return ref.target
    page_folder = ctx.config.docs_root / posixpath.dirname(doc.docname)
    included_folder = (ctx.config.root / where.relpath).parent
    moved = os.path.join(included_folder, os.path.normpath(ref.target))
    return os.path.relpath(moved, page_folder).replace(os.sep, "/")


def _has_anchor(ctx: Context, doc: Document, anchor: str) -> bool:
    """Whether the page has the id, content it includes (a README's headings) counting."""
    return anchor in doc.anchors or any(anchor in inc.anchors for inc in by_page(ctx, doc))


def _file_exists(ctx: Context, doc: Document, path: str) -> bool:
    folder = posixpath.dirname(doc.docname)
    return (ctx.config.docs_root / folder / path).exists()


def _with_included(ctx: Context) -> list[Document]:
    return [*ctx.project.documents.values(), *(i.document for i in included_content(ctx))]


def _written_in(ctx: Context, doc: Document, ref: Reference) -> Document:
    """The file ``ref`` is written in: content ``doc`` includes, or ``doc`` itself."""
    return ctx.computed(_included_by_reference).get(id(ref), doc)


def _included_by_reference(ctx: Context) -> dict[int, Document]:
    # Looked up per reference: a scan of the page's references each time is quadratic.
    return {
        id(ref): part
        for parts in ctx.project.included.values()
        for part in parts
        for ref in part.references
    }


def references_of(doc: Document, ctx: Context) -> list[tuple[Document, Reference]]:
    """The page's references and those of the content it includes: ``(where, ref)``,
    ``where`` being the page or the included file the reference is written in."""
    found = [(doc, ref) for ref in doc.references]
    for included in by_page(ctx, doc):
        found.extend((included, ref) for ref in included.references)
    return found


def verdict_counts(ctx: Context) -> dict[str, int]:
    """How many references of the reported pages are undecided, by reason (for the summary)."""
    counts: Counter[str] = Counter()
    for doc in ctx.project.documents.values():
        if not ctx.reports_on(doc):
            continue
        for _, ref in references_of(doc, ctx):
            outcome = classify(doc, ref, ctx)
            if outcome.state == "undecided":
                counts[f"undecided-{outcome.message}"] += 1
    return dict(counts)


#: Sphinx's warning category for each (role, code) docs-audit reports, so that conf.py's
#: ``suppress_warnings`` silences the same findings Sphinx would not give.
_CATEGORIES = {
    "RF201": "ref.ref",
    "RF202": "ref.doc",
    "RF207": "ref.ref",
    "RF210": "ref.term",
    "RF211": "ref.envvar",
    "RF212": "ref.option",
    "RF204": "toc.not_included",
    "RF205": "toc.not_readable",
}


def sphinx_category(code: str, role: str = "", kind: str = "") -> str:
    """The ``type.subtype`` Sphinx files this warning under (``""`` when it has none)."""
    if code == "RF203":
        return "myst.xref_missing" if role == "link" else "ref.any"
    if code == "RF209":
        return "download.not_readable" if kind == "download" else "image.not_readable"
    if code == "RF201" and role == "numref":
        return "ref.numref"
    return _CATEGORIES.get(code, "")


def suppressed_by_sphinx(ctx: Context, category: str) -> bool:
    """Whether conf.py's ``suppress_warnings`` names the category or its type."""
    if not category:
        return False
    wanted = set(ctx.project.sphinx.suppress_warnings)
    return category in wanted or category.split(".")[0] in wanted


def _domain_type(kind: str) -> str:
    return kind if ":" in kind else f"py:{kind}"
