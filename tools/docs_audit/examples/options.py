"""``[tool.docs-audit.examples]``: which setting, which package, which conventions.

The defaults describe django-prodserver; another project names its own setting,
backend package and base class, and the same checks apply to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Field
from .client import default_python
from .extract import Names

_BACKENDS = "django_prodserver.backends"

SCHEMA: dict[str, Field] = {
    "setting-name": Field("str", "PRODUCTION_PROCESSES", "The setting whose examples are checked."),
    "backend-package": Field(
        "str",
        _BACKENDS,
        "Package of the backends; its deprecated modules are found by importing it.",
    ),
    "backend-base": Field(
        "str", f"{_BACKENDS}.base.BaseProcessBackend", "Class every BACKEND must subclass."
    ),
    "backend-key": Field("str", "BACKEND", "Key of a process that names its backend class."),
    "args-key": Field("str", "ARGS", "Key of a process that holds the backend's options."),
    "app-key": Field("str", "APP", "Key of a process that names an application object."),
    "extra-process-keys": Field("list[str]", [], "Other keys a process may have."),
    "deprecated-allowed": Field(
        "list[str]",
        ["guides/upgrading-to-3.md"],
        "Pages (globs relative to docs-root) where deprecated paths may appear.",
    ),
    "wsgi-application": Field(
        "str", "mysite.wsgi.application", "WSGI_APPLICATION of the settings the backends see."
    ),
    "asgi-application": Field(
        "str", "mysite.asgi.application", "ASGI_APPLICATION of the settings the backends see."
    ),
    "installed-apps": Field(
        "list[str]",
        ["django_prodserver", "django_q", "django_tasks", "django_tasks_db"],
        "INSTALLED_APPS of the settings the backends see (loaded only to validate the "
        "arguments of management commands).",
    ),
    "extra-settings": Field(
        "dict[str,any]",
        {"TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}},
        "More Django settings for the backends and the argument validators.",
    ),
    "arg-validators": Field(
        "dict[str,str]",
        {
            f"{_BACKENDS}.servers.gunicorn.GunicornServer": "gunicorn",
            f"{_BACKENDS}.servers.uvicorn.UvicornServer": "uvicorn",
            f"{_BACKENDS}.servers.uvicorn.UvicornWSGIServer": "uvicorn",
            f"{_BACKENDS}.servers.waitress.WaitressServer": "waitress",
            f"{_BACKENDS}.workers.celery.CeleryWorker": "celery:worker",
            f"{_BACKENDS}.workers.celery.CeleryBeat": "celery:beat",
            f"{_BACKENDS}.workers.django_tasks.DjangoTasksWorker": "django-command:db_worker",
            f"{_BACKENDS}.workers.django_q2.DjangoQ2Worker": "django-command:qcluster",
        },
        "Backend class to the parser that must accept the arguments it passes on: gunicorn, "
        "uvicorn, waitress, celery:SUBCOMMAND, django-command:NAME or module:function.",
    ),
    "received-caption": Field(
        "str",
        "Received by the backend",
        "Caption of the text block that shows what the example's backend receives.",
    ),
    "received-methods": Field(
        "dict[str,str]",
        {
            f"{_BACKENDS}.servers.granian.GranianServerBase": "_parse_granian_kwargs",
            f"{_BACKENDS}._runserver_base.BaseRunserverBackend": "",
        },
        "Backend class (or base class) to the method whose result the backend receives "
        "('' if it reads ARGS directly); the nearest class in the backend's MRO wins.",
    ),
    "default-received-method": Field(
        "str", "prep_server_args", "Method for every other backend (its ARGS become arguments)."
    ),
    "coverage-modules": Field(
        "list[str]",
        [f"{_BACKENDS}.servers", f"{_BACKENDS}.workers", f"{_BACKENDS}.dev"],
        "Modules (packages are walked) whose public backend classes must each be documented.",
    ),
    "coverage-exclude": Field(
        "list[str]", ["*.Base*", "*.*Base"], "Globs of class paths that need no documentation."
    ),
    "coverage-page": Field(
        "str",
        "backends/index.md",
        "Page (relative to docs-root) that reports undocumented backends.",
    ),
    "python": Field(
        "str",
        "",
        "Interpreter that has the documented package (default: the one running docs-audit).",
    ),
    "python-path": Field(
        "list[str]", [], "Folders (relative to the project root) added to that interpreter's path."
    ),
    "timeout": Field("int", 120, "Seconds the backend probe may take."),
}


@dataclass(frozen=True)
class Options:
    names: Names
    backend_package: str
    backend_base: str
    allowed_keys: frozenset[str]
    deprecated_allowed: tuple[str, ...]
    django_settings: dict[str, Any]
    received_caption: str
    received_methods: dict[str, str]
    arg_validators: dict[str, str]
    default_method: str
    coverage_modules: tuple[str, ...]
    coverage_exclude: tuple[str, ...]
    coverage_page: str
    python: str
    python_path: tuple[str, ...]
    timeout: int

    @classmethod
    def from_table(cls, table: dict[str, Any], root: Path) -> Options:
        names = Names(
            table["setting-name"],
            table["backend-key"],
            table["args-key"],
            table["app-key"],
            table["backend-package"].split(".")[0] + ".",
        )
        return cls(
            names=names,
            backend_package=table["backend-package"],
            backend_base=table["backend-base"],
            allowed_keys=frozenset([*names.keys, *table["extra-process-keys"]]),
            deprecated_allowed=tuple(table["deprecated-allowed"]),
            django_settings={
                **table["extra-settings"],
                "INSTALLED_APPS": list(table["installed-apps"]),
                "WSGI_APPLICATION": table["wsgi-application"],
                "ASGI_APPLICATION": table["asgi-application"],
            },
            received_caption=table["received-caption"],
            received_methods=dict(table["received-methods"]),
            arg_validators=dict(table["arg-validators"]),
            default_method=table["default-received-method"],
            coverage_modules=tuple(table["coverage-modules"]),
            coverage_exclude=tuple(table["coverage-exclude"]),
            coverage_page=table["coverage-page"],
            python=table["python"] or default_python(),
            python_path=tuple(str((root / p).resolve()) for p in table["python-path"]),
            timeout=table["timeout"],
        )
