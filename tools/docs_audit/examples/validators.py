"""Ask the real program whether it accepts the arguments a backend passes on.

Loaded by the probe from its own folder (never imported by docs-audit), so it uses
only the standard library and the programs being checked. Each validator parses
an argument list the way the program does when the backend starts it, without
starting anything, and returns the program's error message or ``None``.

A validator is named in ``[tool.docs-audit.examples] arg-validators``:
``gunicorn``, ``uvicorn``, ``waitress``, ``celery:worker``, ``celery:beat``,
``django-command:NAME`` (a management command such as ``db_worker``), or
``module:function`` for a project's own ``function(argv) -> str | None``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
from collections.abc import Callable

Validator = Callable[[list[str]], "str | None"]


def resolve(spec: str) -> Validator:
    name, _, argument = spec.partition(":")
    if name == "celery" and argument:
        return lambda argv: celery(argv, argument)
    if name == "django-command" and argument:
        return lambda argv: django_command(argv, argument)
    if name in BUILTIN and not argument:
        return BUILTIN[name]
    if argument:
        found: Validator = getattr(importlib.import_module(name), argument)
        return found
    raise ValueError(f"unknown argument validator {spec!r}")


def gunicorn(argv: list[str]) -> str | None:
    """Gunicorn's own argparse parser, as ``DjangoApplication`` builds it."""
    from gunicorn.config import Config

    parser = Config("%(prog)s [OPTIONS]", prog="manage.py").parser()
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            parser.parse_args(argv)
    except SystemExit:
        return _argparse_message(errors.getvalue())
    return None


def uvicorn(argv: list[str]) -> str | None:
    """Uvicorn's click command, which the backend calls with these arguments."""
    import click

    command = importlib.import_module("uvicorn.main").main
    try:
        command.make_context("uvicorn", list(argv))
    except click.exceptions.ClickException as exc:
        return str(exc.format_message())
    return None


def waitress(argv: list[str]) -> str | None:
    """``waitress-serve``'s option parsing, then its conversion of the values."""
    import getopt

    from waitress.adjustments import Adjustments

    try:
        options, positional = Adjustments.parse_args(argv[1:])
    except getopt.GetoptError as exc:
        return f"Error: {exc}"
    if len(positional) != 1:
        return f"Error: Specify one application only (got {positional!r})"
    for runner_only in ("call", "help"):
        options.pop(runner_only, None)
    try:
        Adjustments(**options)
    except (ValueError, TypeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def celery(argv: list[str], subcommand: str) -> str | None:
    """The ``celery SUBCOMMAND`` click command, with a throwaway Celery app."""
    import warnings

    import click
    from celery import Celery
    from celery.bin.base import CLIContext
    from celery.bin.celery import celery as group

    try:
        context = group.make_context("celery", [subcommand, *argv])
        context.obj = CLIContext(app=Celery("docs_audit"), no_color=True, workdir=None, quiet=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # click's protected_args
            rest = [*context.protected_args, *context.args]
        name, command, rest = group.resolve_command(context, rest)
        assert command is not None
        command.make_context(name, rest, parent=context)
    except click.exceptions.ClickException as exc:
        return f"{type(exc).__name__}: {exc.format_message()}"
    return None


def django_command(argv: list[str], name: str) -> str | None:
    """A Django management command's parser (``call_command`` raises the same error)."""
    import django
    from django.apps import apps
    from django.core.management import get_commands, load_command_class
    from django.core.management.base import CommandError

    if not apps.ready:
        django.setup()
    commands = get_commands()
    if name not in commands:
        # Not the arguments' fault: the app that provides the command is missing.
        raise LookupError(f"no management command {name!r} in the installed apps")
    parser = load_command_class(commands[name], name).create_parser("manage.py", name)
    try:
        parser.parse_args(argv)
    except CommandError as exc:
        return f"CommandError: {exc}"
    return None


def _argparse_message(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    last = lines[-1].strip() if lines else "error: rejected by the parser"
    return last.partition("error: ")[2] or last


BUILTIN: dict[str, Validator] = {"gunicorn": gunicorn, "uvicorn": uvicorn, "waitress": waitress}
