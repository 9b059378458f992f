"""The settings-examples plugin (PS1xx): examples checked against the installed package.

Registered through this repository's ``pyproject.toml`` as the ``examples`` entry
point of ``docs_audit.plugins``; enable it with ``[tool.docs-audit] plugins =
["examples"]`` and configure it with ``[tool.docs-audit.examples]`` (see
:class:`~docs_audit.examples.options.ExamplesTable`). The defaults describe
django-prodserver's ``PRODUCTION_PROCESSES``; another project names its own
setting, backend package and base class.

Conventions the pages follow so that every example is checked:

* An example is a complete assignment in a Python block:
  ``PRODUCTION_PROCESSES = {...}`` (or ``PRODUCTION_PROCESSES["web"] = {...}``,
  ``PRODUCTION_PROCESSES.update({...})``, ``PRODUCTION_PROCESSES |= {...}``).
  Values are read with ``ast.literal_eval``; page code is never run.
* A fragment that cannot be an assignment (a lone ``"ARGS": {...}``) is skipped
  explicitly with ``<!-- docs-audit: ignore PS109 -->`` (MyST) or
  ``.. docs-audit: ignore PS109`` (RST) before the block; otherwise PS109 reports it.
* What a backend receives is shown in the text block right after a one-process
  example, captioned ``Received by the backend``; its one line is the Python repr
  of what the backend computes (PS107).

Backends are imported and instantiated in a separate interpreter (see
:mod:`docs_audit.examples.probe`), only when the checked pages mention the setting
or the backend package, and only for examples whose verdict is not already cached
(:mod:`docs_audit.examples.verdict_cache`).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context
from ..document import Document
from ..examples.analysis import analysis, relevant
from ..examples.options import ExamplesTable
from ..registry import Code, Plugin, Violation

PLUGIN = Plugin("examples", ExamplesTable)

#: Every code the one checker reports, with its documentation.
REPORTS = (
    Code(
        "PS100",
        "examples-unchecked",
        """The examples on this page could not be checked at all.

    Why: the checks import the documented package in a separate interpreter. When
    it is not installed there (or Django is not, or the probe crashed), nothing
    else in this family can say whether the examples work, so this one finding,
    at the page's first example, says why.

    Fix: install the package with all its extras in the interpreter that runs
    docs-audit, or name another one with ``[tool.docs-audit.examples] python``.
    """,
    ),
    Code(
        "PS101",
        "backend-not-importable",
        """A ``BACKEND`` path that cannot be imported from the installed package.

    Why: the server command imports ``BACKEND`` first; a typo or a module that
    does not exist stops it with a traceback before anything starts.

    Example::

        "BACKEND": "django_prodserver.backends.servers.gunicorn.Gunicorn"

    Use instead::

        "BACKEND": "django_prodserver.backends.servers.gunicorn.GunicornServer"
    """,
    ),
    Code(
        "PS102",
        "not-a-backend",
        """A ``BACKEND`` that imports but is not a backend class.

    Why: the path must name a subclass of the configured base
    (``BaseProcessBackend``), not a module attribute such as a function or the
    Gunicorn application class next to the backend.
    """,
    ),
    Code(
        "PS103",
        "deprecated-backend-path",
        """A deprecated module path of the backend package, outside the pages allowed to show it.

    Why: the old 2.x paths (``django_prodserver.backends.gunicorn.GunicornServer``)
    still import in 3.0.0, silently, and will be removed in 4.0.0; readers copy
    whatever path a page shows. A module counts as deprecated when importing it
    issues a DeprecationWarning that names it. Any mention is reported, in examples
    and in prose.

    Configure the pages that may show them (the upgrade guide) with
    ``[tool.docs-audit.examples] deprecated-allowed``.

    Use instead: the path the message names, for example
    ``django_prodserver.backends.servers.gunicorn.GunicornServer``.
    """,
    ),
    Code(
        "PS104",
        "missing-app",
        """A process without ``APP`` whose backend cannot be created without one.

    Why: CeleryWorker, CeleryBeat and CeleryFlower import the Celery application
    named by ``APP``; without it they stop with
    ``AttributeError: 'NoneType' object has no attribute 'rsplit'``, which does
    not mention ``APP``. Found by creating the backend without ``APP`` and again
    with a stand-in one.

    Use instead::

        "worker": {
            "BACKEND": "django_prodserver.backends.workers.celery.CeleryWorker",
            "APP": "mysite.celery.app",
        }
    """,
    ),
    Code(
        "PS105",
        "invalid-process-key",
        """A process with an unknown key, without ``BACKEND``, or a name that is not a string.

    Why: the built-in backends ignore keys other than ``BACKEND``, ``ARGS`` and
    ``APP``, so a misspelt ``"Args"`` or ``"OPTIONS"`` is dropped without a word;
    a process without ``BACKEND`` stops with ``Backend not configured``. Keys are
    checked only for the package's own backends: a custom backend receives the
    whole process dict and may define keys of its own.
    """,
    ),
    Code(
        "PS106",
        "ignored-arg",
        """An ``ARGS`` key that the backend drops without a message.

    Why: Granian's backends pass a fixed list of keys to Granian and silently drop
    every other one, so ``"timeout": "60"`` looks configured but is not. Found by
    removing each key and checking that what the backend receives is unchanged;
    only for backends whose received value is not an argument list
    (``received-methods``).
    """,
    ),
    Code(
        "PS107",
        "received-args-mismatch",
        """A "Received by the backend" block that is not what the backend computes.

    Why: these blocks promise readers exactly what the server gets. The check
    creates the backend from the example just before the block (with
    ``WSGI_APPLICATION = "mysite.wsgi.application"`` and
    ``ASGI_APPLICATION = "mysite.asgi.application"``) and compares the block's one
    line with ``repr(backend.prep_server_args())``, or, for Granian,
    ``repr(backend._parse_granian_kwargs())``.

    Also reported: such a block that does not follow a one-process example, and
    one for a backend that reads ``ARGS`` directly (the development servers).
    """,
    ),
    Code(
        "PS108",
        "undocumented-backend",
        """A public backend class of the installed package that no page names.

    Why: a backend added in a new release must not go unnoticed. Every public
    subclass of the base class defined in ``coverage-modules`` (servers, workers
    and dev for django-prodserver) must appear somewhere in the docs by its full
    dotted path. Reported on ``coverage-page`` (``backends/index.md``), so only
    runs that check that page run this check.
    """,
    ),
    Code(
        "PS109",
        "unchecked-example",
        """Part of a settings example that cannot be checked.

    Why: an example that is not checked can be wrong without anyone noticing.
    Reported: a Python block that mentions the setting but does not parse (a lone
    ``"ARGS": {...}`` fragment), a process dictionary outside an assignment to the
    setting, a ``BACKEND`` that is not a literal string, and a "Received by the
    backend" block after an example whose ``ARGS`` are not all literals.

    Fix: write the complete ``PRODUCTION_PROCESSES = {...}`` assignment, or mark
    a deliberate fragment with ``<!-- docs-audit: ignore PS109 -->`` before it.
    """,
    ),
    Code(
        "PS110",
        "invalid-value-type",
        """A value of a type the backend cannot use.

    Why: ``"ARGS": None`` or a list crash with ``AttributeError``; for backends
    that turn ``ARGS`` into ``--key=value`` arguments, a list or a dict value
    becomes one argument holding its Python text (``--bind=['a', 'b']``), so an
    option cannot be repeated that way; for Granian, a value its conversion
    rejects (``"port": "eighty"``) stops the server.
    """,
    ),
    Code(
        "PS111",
        "backend-rejects-config",
        """A backend that raises an error when created from the example.

    Why: some backends validate their configuration when they are created, for
    example WerkzeugRunserver refuses ``processes`` greater than 1 together with
    threading. The example would stop the server at once.
    """,
    ),
    Code(
        "PS112",
        "rejected-arg",
        """An ``ARGS`` option that the program behind the backend rejects.

    Why: Gunicorn, Uvicorn, Waitress, Celery and the ``db_worker`` and
    ``qcluster`` commands parse the arguments django-prodserver builds, and stop
    (Waitress: prints its usage and exits with status 0) on an unknown option or a
    bad value. The check hands what the backend passes on to the program's own
    parser, without starting anything, and reports its message at the key.

    Example::

        "ARGS": {"loglevel": "info", "preload": True}

    Gunicorn answers ``unrecognized arguments: --loglevel=info`` and
    ``argument --preload: ignored explicit argument 'True'``. Use instead::

        "ARGS": {"log-level": "info", "preload": None}

    Which parser checks which backend is set by ``arg-validators``.
    """,
    ),
)


@PLUGIN.checker("page", REPORTS)
def settings_examples(doc: Document, ctx: Context) -> Iterator[Violation]:
    """The page's share of the one examples pass (run once per run, when relevant)."""
    if relevant(doc, ctx):
        yield from analysis(ctx).for_page(doc.relpath)
