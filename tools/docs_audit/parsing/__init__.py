"""Parsers that turn a source page into a :class:`~docs_audit.document.Document`."""
