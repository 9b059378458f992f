"""Run by the checked project's interpreter: import and instantiate backends.

This file is executed as a script (``python probe.py``) with a JSON request on
standard input, and writes one JSON response to standard output. It imports
nothing from docs_audit, so any interpreter that has Django and the documented
package can run it. The docs-audit process itself never imports the package.

Request keys: ``settings`` (passed to ``settings.configure``), ``sys_path``,
``backend_package``, ``base_class``, ``coverage_modules``, ``coverage_exclude``,
``received_methods`` (class path to method name, ``""`` for none),
``arg_validators`` (class path to a validator of :mod:`validators`), ``default_method``, ``backend_key``, ``args_key``, ``app_key`` and
``processes``: ``[{"id": int, "config": "<repr of a dict>", "args_opaque": bool}]``.

With ``--versions PACKAGE`` it only prints the installed versions (see
:func:`installed_versions`) and the Python version, as JSON.

Response: ``{"ok": true, "distribution", "deprecated", "backends",
"coverage_errors", "results"}`` or ``{"ok": false, "error": "..."}``.
"""

from __future__ import annotations

import ast
import contextlib
import fnmatch
import importlib
import importlib.util
import inspect
import json
import os
import pkgutil
import re
import sys
import types
import warnings
from collections.abc import Iterator
from typing import Any

#: Every APP is replaced by this stand-in object: examples name the reader's project
#: (``mysite.celery.app``), which does not exist here, and page text is never imported.
STUB_APP = "_docs_audit_stub.app"


def main() -> int:
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)  # this folder holds docs_audit modules, not the project's
    if sys.argv[1:2] == ["--versions"]:
        versions = installed_versions(sys.argv[2], [*sys.argv[3:], *sys.path])
        answer = {"versions": versions, "python": sys.version}
        sys.stdout.write(json.dumps(answer))
        return 0
    request = json.load(sys.stdin)
    with _stdout_to_stderr() as real_stdout:
        try:
            response = handle(request)
        except Exception as exc:  # the package itself is broken: report, never crash
            response = {"ok": False, "error": _describe(exc)}
    real_stdout.write(json.dumps(response))
    real_stdout.flush()
    return 0


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[Any]:
    """Keep stray prints of imported packages out of the JSON answer."""
    saved = os.dup(1)
    real = os.fdopen(saved, "w", encoding="utf-8")
    os.dup2(2, 1)
    previous = sys.stdout
    sys.stdout = sys.stderr
    try:
        yield real
    finally:
        sys.stdout = previous


def handle(request: dict[str, Any]) -> dict[str, Any]:
    sys.path[:0] = request.get("sys_path", [])
    try:
        from django.conf import settings
    except ImportError as exc:
        return {"ok": False, "error": f"Django is not importable: {_describe(exc)}"}
    if not settings.configured:
        configured = dict(request["settings"])
        # An app that is not installed would stop django.setup() for every validator;
        # without it, its commands are missing, as they are in the reader's project.
        configured["INSTALLED_APPS"] = [
            app for app in configured.get("INSTALLED_APPS", []) if _importable(app)
        ]
        settings.configure(**configured)
    package = request["backend_package"]
    try:
        root = importlib.import_module(package)
    except ImportError as exc:
        return {"ok": False, "error": f"{package} is not importable: {_describe(exc)}"}
    base = _import_object(request["base_class"])
    deprecated = deprecated_modules(root)
    backends, errors = public_backends(
        request["coverage_modules"], request["coverage_exclude"], base
    )
    probe = Probe(request, base)
    return {
        "ok": True,
        "distribution": _distribution(package),
        "deprecated": deprecated,
        "backends": backends,
        "coverage_errors": errors,
        "results": [probe.process(p) for p in request["processes"]],
    }


def deprecated_modules(root: types.ModuleType) -> dict[str, dict[str, str]]:
    """Modules whose import warns that they are deprecated, with where their classes live.

    A module counts as deprecated when importing it issues a DeprecationWarning
    that names the module itself (not one that a dependency happens to raise).
    """
    found: dict[str, dict[str, str]] = {}
    for info in pkgutil.walk_packages(root.__path__, root.__name__ + ".", onerror=lambda _: None):
        if info.name in sys.modules:
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                module = importlib.import_module(info.name)
            except Exception:
                continue
        if any(
            issubclass(w.category, DeprecationWarning) and _names(str(w.message), info.name)
            for w in caught
        ):
            found[info.name] = {
                name: f"{obj.__module__}.{obj.__qualname__}"
                for name, obj in vars(module).items()
                if inspect.isclass(obj) and not name.startswith("_")
            }
    return found


def _names(message: str, module: str) -> bool:
    at = message.find(module)
    end = at + len(module)
    return at >= 0 and (end == len(message) or not (message[end].isalnum() or message[end] in "._"))


def public_backends(
    modules: list[str], exclude: list[str], base: Any
) -> tuple[list[str], list[str]]:
    """Dotted paths of the public backend classes defined in ``modules`` (and below)."""
    found: list[str] = []
    errors: list[str] = []
    for name in modules:
        try:
            module = importlib.import_module(name)
        except Exception as exc:
            errors.append(f"{name}: {_describe(exc)}")
            continue
        members = [module]
        if hasattr(module, "__path__"):
            for info in pkgutil.walk_packages(module.__path__, name + ".", onerror=lambda _: None):
                try:
                    members.append(importlib.import_module(info.name))
                except Exception as exc:
                    errors.append(f"{info.name}: {_describe(exc)}")
        for member in members:
            for attr, obj in vars(member).items():
                if not inspect.isclass(obj) or obj.__module__ != member.__name__:
                    continue
                path = f"{member.__name__}.{attr}"
                if attr.startswith("_") or not issubclass(obj, base) or obj is base:
                    continue
                if not any(fnmatch.fnmatchcase(path, glob) for glob in exclude):
                    found.append(path)
    return sorted(set(found)), errors


class Probe:
    """Imports, instantiates and asks one process's backend what it receives."""

    def __init__(self, request: dict[str, Any], base: Any) -> None:
        self.base = base
        self.backend_key = request["backend_key"]
        self.args_key = request["args_key"]
        self.app_key = request["app_key"]
        self.default_method = request["default_method"]
        self.methods = _by_class(request["received_methods"])
        self.validators = _by_class(request.get("arg_validators", {}))

    def process(self, item: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {"id": item["id"]}
        config = ast.literal_eval(item["config"])
        path = config[self.backend_key]
        try:
            backend = _import_object(path)
        except Exception as exc:
            result["import_error"] = _describe(exc)
            return result
        if not inspect.isclass(backend) or not issubclass(backend, self.base):
            what = "a class" if inspect.isclass(backend) else f"a {type(backend).__name__}"
            result["not_backend"] = (
                f"{path} is {what}, not a backend (a subclass of {_path(self.base)})"
            )
            return result
        result["class"] = _path(backend)
        method = _most_specific(backend, self.methods, self.default_method)
        result["method"] = method
        config = self._instantiate(backend, config, result)
        if config is None or not method:
            return result
        self._receive(backend, config, method, result)
        if "received" not in result:
            return result
        validator = _most_specific(backend, self.validators, "")
        if validator and method == self.default_method:
            self._validate(backend, config, validator, result)
        if method != self.default_method and not item.get("args_opaque", False):
            result["ignored"] = self._ignored(backend, config, method, result["received"])
        return result

    def _instantiate(
        self, backend: type, config: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The configuration the backend accepts (with a stand-in APP if it needs one)."""
        try:
            self._build(backend, config)
            return config
        except Exception as exc:
            if self.app_key in config:
                result["instantiate_error"] = _describe(exc)
                return None
            # Does it work once an APP is given? Then APP is what is missing.
            with_app = {**config, self.app_key: STUB_APP}
            try:
                self._build(backend, with_app)
            except Exception:
                result["instantiate_error"] = _describe(exc)
                return None
            result["needs_app"] = _describe(exc)
            return with_app

    def _receive(
        self, backend: type, config: dict[str, Any], method: str, result: dict[str, Any]
    ) -> None:
        try:
            result["received"] = repr(self._received(backend, config, method))
        except Exception as exc:
            result["received_error"] = _describe(exc)
            result["bad_arg"] = self._culprit(
                backend, config, lambda c: self._received(backend, c, method) and None
            )

    def _validate(
        self, backend: type, config: dict[str, Any], spec: str, result: dict[str, Any]
    ) -> None:
        try:
            validate = _validators().resolve(spec)
            error = validate(self._received(backend, config, self.default_method))
        except Exception as exc:
            result["validator_error"] = f"{spec}: {_describe(exc)}"
            return
        if error:
            result["rejected"] = error
            result["rejected_by"] = spec
            result["rejected_arg"] = self._culprit(
                backend, config, lambda c: validate(self._received(backend, c, self.default_method))
            )

    def _received(self, backend: type, config: dict[str, Any], method: str) -> Any:
        return getattr(self._build(backend, config), method)()

    def _build(self, backend: type, config: dict[str, Any]) -> Any:
        if isinstance(config.get(self.app_key), str):
            # Never import what a page names as APP: only its presence matters here.
            _stub(STUB_APP)
            config = {**config, self.app_key: STUB_APP}
        return backend(**config)

    def _culprit(self, backend: type, config: dict[str, Any], problem: Any) -> str | None:
        """The first ARGS key that causes ``problem`` (raises or returns a message) alone."""
        args = config.get(self.args_key)
        if not isinstance(args, dict):
            return None
        for key, value in args.items():
            try:
                if problem({**config, self.args_key: {key: value}}):
                    return str(key)
            except Exception:
                return str(key)
        return None

    def _ignored(
        self, backend: type, config: dict[str, Any], method: str, received: str
    ) -> list[str]:
        """ARGS keys whose removal leaves what the backend receives unchanged."""
        args = config.get(self.args_key)
        if not isinstance(args, dict):
            return []
        ignored: list[str] = []
        for key in args:
            rest = {k: v for k, v in args.items() if k != key}
            try:
                if (
                    repr(self._received(backend, {**config, self.args_key: rest}, method))
                    == received
                ):
                    ignored.append(str(key))
            except Exception:
                continue
        return ignored


def _by_class(mapping: dict[str, str]) -> dict[Any, str]:
    """Class paths resolved to classes; a path that does not import is left out."""
    resolved: dict[Any, str] = {}
    for path, value in mapping.items():
        try:
            resolved[_import_object(path)] = value
        except Exception:
            continue
    return resolved


def _most_specific(backend: type, mapping: dict[Any, str], default: str) -> str:
    """The value for the nearest class in the backend's MRO, so subclasses can differ."""
    for cls in backend.__mro__:
        if cls in mapping:
            return mapping[cls]
    return default


def _validators() -> types.ModuleType:
    """validators.py from this folder, loaded by path: docs_audit is not importable here."""
    cached = sys.modules.get("_docs_audit_validators")
    if cached is not None:
        return cached
    location = os.path.join(os.path.dirname(os.path.abspath(__file__)), "validators.py")
    spec = importlib.util.spec_from_file_location("_docs_audit_validators", location)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _stub(dotted: str) -> None:
    """Make ``a.b.attr`` importable with placeholder modules where none exist."""
    parts = dotted.split(".")
    parent: types.ModuleType | None = None
    for depth in range(1, len(parts)):
        name = ".".join(parts[:depth])
        module = sys.modules.get(name)
        if module is None:
            module = types.ModuleType(name)
            module.__path__ = []
            sys.modules[name] = module
            if parent is not None:
                setattr(parent, parts[depth - 1], module)
        parent = module
    if parent is not None and not hasattr(parent, parts[-1]):
        setattr(parent, parts[-1], types.SimpleNamespace(name=dotted))


def _import_object(dotted: str) -> Any:
    module_path, _, attr = dotted.rpartition(".")
    if not module_path:
        raise ImportError(f"{dotted!r} is not a dotted path")
    module = importlib.import_module(module_path)
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ImportError(f"module {module_path!r} has no attribute {attr!r}") from None


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def installed_versions(package: str, path: list[str]) -> dict[str, str | None]:
    """Versions of the distribution that provides ``package`` and of all it requires
    (extras included), as found on ``path`` (the probe's ``sys.path``): what the
    verdicts of the examples depend on, with the Python version."""
    from importlib import metadata

    def find(name: str) -> metadata.Distribution | None:
        return next(iter(metadata.distributions(name=name, path=path)), None)

    top = package.split(".")[0]
    dist = find(top.replace("_", "-"))
    if dist is None:
        names = metadata.packages_distributions().get(top, [])
        dist = find(names[0]) if names else None
    if dist is None:
        return {top: None}
    versions: dict[str, str | None] = {dist.metadata["Name"]: dist.version}
    for requirement in dist.requires or []:
        name = re.match(r"[A-Za-z0-9._-]*", requirement).group(0)  # type: ignore[union-attr]
        required = find(name)
        versions[name] = required.version if required else None
    return versions


def _path(cls: Any) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _distribution(package: str) -> str:
    from importlib import metadata

    top = package.split(".")[0]
    names = metadata.packages_distributions().get(top, [])
    if not names:
        return top
    return f"{names[0]} {metadata.version(names[0])}"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


if __name__ == "__main__":
    raise SystemExit(main())
