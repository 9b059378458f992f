"""What a check may read: the configuration and the whole parsed tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from .config import Config
from .document import Document


class Pages(Protocol):
    """The parsed tree as checks see it (a :class:`~docs_audit.project.Project` is one).

    Checks sit below the project loader: they name only what they read.
    """

    @property
    def documents(self) -> dict[str, Document]: ...


@dataclass
class Context:
    config: Config
    project: Pages
    #: Shared, lazily computed facts (for example the label index), keyed by name.
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def documents(self) -> list[Document]:
        return list(self.project.documents.values())

    def table(self, name: str) -> dict[str, Any]:
        return self.config.table(name)

    def docs_relative(self, doc: Document) -> str:
        """The page's path relative to the docs root (what globs in the config match)."""
        return doc.docname + (".md" if doc.format == "md" else ".rst")
