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
]

source_suffix = {
    ".rst": "restructuredtext",
    ".md": "markdown",
}
root_doc = "index"
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
