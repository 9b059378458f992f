"""``[tool.docs-audit.examples]``: which setting, which package, which conventions.

The defaults describe django-prodserver (they live here, in the plugin, never in
the core's schema); another project names its own setting, backend package and base
class, and the same checks apply to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import setting
from .client import default_python
from .extract import Names

_BACKENDS = "django_prodserver.backends"


@dataclass(frozen=True)
class ExamplesTable:
    """``[tool.docs-audit.examples]``: which setting, which package, which conventions."""

    setting_name: str = setting("PRODUCTION_PROCESSES", "The setting whose examples are checked.")
    backend_package: str = setting(
        _BACKENDS,
        "Package of the backends; its deprecated modules are found by importing it.",
    )
    backend_base: str = setting(
        f"{_BACKENDS}.base.BaseProcessBackend",
        "Class every BACKEND must subclass.",
    )
    backend_key: str = setting("BACKEND", "Key of a process that names its backend class.")
    args_key: str = setting("ARGS", "Key of a process that holds the backend's options.")
    app_key: str = setting("APP", "Key of a process that names an application object.")
    extra_process_keys: list[str] = setting([], "Other keys a process may have.")
    deprecated_allowed: list[str] = setting(
        ["guides/upgrading-to-3.md"],
        "Pages (globs relative to docs-root) where deprecated paths may appear.",
    )
    wsgi_application: str = setting(
        "mysite.wsgi.application",
        "WSGI_APPLICATION of the settings the backends see.",
    )
    asgi_application: str = setting(
        "mysite.asgi.application",
        "ASGI_APPLICATION of the settings the backends see.",
    )
    installed_apps: list[str] = setting(
        ["django_prodserver", "django_q", "django_tasks", "django_tasks_db"],
        "INSTALLED_APPS of the settings the backends see (loaded only to validate the "
        "arguments of management commands).",
    )
    extra_settings: dict[str, Any] = setting(
        {"TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}},
        "More Django settings for the backends and the argument validators.",
    )
    arg_validators: dict[str, str] = setting(
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
    )
    received_caption: str = setting(
        "Received by the backend",
        "Caption of the text block that shows what the example's backend receives.",
    )
    received_methods: dict[str, str] = setting(
        {
            f"{_BACKENDS}.servers.granian.GranianServerBase": "_parse_granian_kwargs",
            f"{_BACKENDS}._runserver_base.BaseRunserverBackend": "",
        },
        "Backend class (or base class) to the method whose result the backend receives "
        "('' if it reads ARGS directly); the nearest class in the backend's MRO wins.",
    )
    default_received_method: str = setting(
        "prep_server_args",
        "Method for every other backend (its ARGS become arguments).",
    )
    coverage_modules: list[str] = setting(
        [f"{_BACKENDS}.servers", f"{_BACKENDS}.workers", f"{_BACKENDS}.dev"],
        "Modules (packages are walked) whose public backend classes must each be documented.",
    )
    coverage_exclude: list[str] = setting(
        ["*.Base*", "*.*Base"],
        "Globs of class paths that need no documentation.",
    )
    coverage_page: str = setting(
        "backends/index.md",
        "Page (relative to docs-root) that reports undocumented backends.",
    )
    python: str = setting(
        "",
        "Interpreter that has the documented package (default: the one running docs-audit).",
    )
    python_path: list[str] = setting(
        [],
        "Folders (relative to the project root) added to that interpreter's path.",
    )
    timeout: int = setting(120, "Seconds the backend probe may take.", gt=0)


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
    def from_table(cls, table: ExamplesTable, root: Path) -> Options:
        names = Names(
            table.setting_name,
            table.backend_key,
            table.args_key,
            table.app_key,
            table.backend_package.split(".")[0] + ".",
        )
        return cls(
            names=names,
            backend_package=table.backend_package,
            backend_base=table.backend_base,
            allowed_keys=frozenset([*names.keys, *table.extra_process_keys]),
            deprecated_allowed=tuple(table.deprecated_allowed),
            django_settings={
                **table.extra_settings,
                "INSTALLED_APPS": list(table.installed_apps),
                "WSGI_APPLICATION": table.wsgi_application,
                "ASGI_APPLICATION": table.asgi_application,
            },
            received_caption=table.received_caption,
            received_methods=dict(table.received_methods),
            arg_validators=dict(table.arg_validators),
            default_method=table.default_received_method,
            coverage_modules=tuple(table.coverage_modules),
            coverage_exclude=tuple(table.coverage_exclude),
            coverage_page=table.coverage_page,
            python=table.python or default_python(),
            python_path=tuple(str((root / p).resolve()) for p in table.python_path),
            timeout=table.timeout,
        )
