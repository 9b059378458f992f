"""Sphinx configuration for the django-prodserver documentation."""

from __future__ import annotations

project = "django-prodserver"
author = "django-prodserver contributors"
copyright = "django-prodserver contributors"
release = "3.0.0"
version = "3.0"

extensions = [
    "myst_parser",
    "sphinx_copybutton",
    # The custom-backend guide documents the base classes from the installed
    # django-prodserver, so the reference cannot drift from the package.
    "sphinx.ext.autodoc",
]

# Signatures show the annotations; the descriptions stay the package's own text.
autodoc_typehints = "signature"
autodoc_member_order = "bysource"

source_suffix = {
    ".rst": "restructuredtext",
    ".md": "markdown",
}
root_doc = "index"
# Every cross-reference must resolve, on Read the Docs as in `docs-audit build` (-n).
nitpicky = True
exclude_patterns = ["_build"]

# Anchors for H1-H3 so that Markdown links like page.md#section resolve.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]

html_theme = "furo"
html_title = f"django-prodserver {release}"

# Strip shell prompts so the copy button yields runnable commands only.
copybutton_prompt_text = r"\$ |>>> "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = False

# django_prodserver.utils reads django.conf.settings when it is called, and
# importing Django's test client needs configured settings; a minimal
# configuration lets autodoc import the modules without a project.
import django  # noqa: E402
from django.conf import settings  # noqa: E402
from sphinx.application import Sphinx  # noqa: E402

if not settings.configured:
    settings.configure()
    django.setup()


def _literal_dict_examples(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Show a docstring's bare ``{ ... }`` settings example as a literal block.

    BaseProcessBackend's docstring in django-prodserver 3.0.0 writes its example
    dictionary as plain indented text, which docutils reads as a broken
    definition list (a warning, so an error under -W).
    """
    start = 0
    while start < len(lines):
        if lines[start].strip() == "{" and (start == 0 or not lines[start - 1].strip()):
            end = start
            while end < len(lines) and lines[end].strip() != "}":
                end += 1
            block = ["    " + line for line in lines[start : end + 1]]
            lines[start : end + 1] = ["::", "", *block]
            start += len(block) + 2
        else:
            start += 1


def setup(app: Sphinx) -> None:
    app.connect("autodoc-process-docstring", _literal_dict_examples)
