"""Sessions: tests (the test suite), audit (the full release audit of docs/), docs, lint."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite, browser and quickstart tests included."""
    session.install("-e", ".[test,lint]")
    session.run("pytest", *session.posargs)


@nox.session
def audit(session: nox.Session) -> None:
    """The main job: every check of docs/ (offline checks, style, links, Sphinx build)."""
    session.install("-e", ".[test]")
    session.run("docs-audit", "release", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html with the same strictness as the audit."""
    # The custom-backend guide's API reference imports the installed django-prodserver.
    session.install("-e", ".[sphinx,prodserver]")
    session.run(
        "sphinx-build", "-W", "-n", "--keep-going", "-b", "html", "docs", "docs/_build/html"
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy over the toolkit, tests and benchmarks."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", "tools", "tests", "benchmarks", "noxfile.py")
    session.run("mypy")
