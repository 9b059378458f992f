"""What a check may read: the configuration and the whole parsed tree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from .config import Config
from .document import Document
from .sphinxconf import SphinxConf


class Pages(Protocol):
    """The parsed tree as checks see it (a :class:`~docs_audit.project.Project` is one).

    Checks sit below the project loader: they name only what they read.
    """

    @property
    def documents(self) -> dict[str, Document]: ...

    #: What conf.py says (suffixes, root_doc, intersphinx_mapping, nitpick_ignore...).
    @property
    def sphinx(self) -> SphinxConf: ...

    #: Content pages include from files that are not pages, by including docname.
    @property
    def included(self) -> dict[str, list[Document]]: ...


T = TypeVar("T")


@dataclass
class Context:
    config: Config
    project: Pages
    #: Whether results may be kept between runs (``check --no-cache`` says no).
    use_cache: bool = True
    #: Relative paths of the pages reported on (``None``: every page).
    reported: frozenset[str] | None = None
    #: One-line remarks a check leaves for stderr (a discarded cache); never findings.
    notes: list[str] = field(default_factory=list)
    _computed: dict[Callable[[Context], Any], Any] = field(default_factory=dict, repr=False)

    def computed(self, compute: Callable[[Context], T]) -> T:
        """``compute(self)``, worked out once per run and shared by every check that asks
        (the label index, the examples pass): typed by the function that computes it."""
        if compute not in self._computed:
            self._computed[compute] = compute(self)
        result: T = self._computed[compute]
        return result

    def reports_on(self, doc: Document) -> bool:
        return self.reported is None or doc.relpath in self.reported

    @property
    def documents(self) -> list[Document]:
        return list(self.project.documents.values())

    def table(self, name: str) -> dict[str, Any]:
        return self.config.table(name)

    def docs_relative(self, doc: Document) -> str:
        """The page's path relative to the docs root (what globs in the config match)."""
        return doc.docname + (".md" if doc.format == "md" else ".rst")
