"""One pass over the tree: examples read, the probe asked once, violations sorted by code.

The rules in :mod:`docs_audit.checks.examples` only hand out what this pass found
for their page. It runs at most once per run (kept in ``ctx.memo``) and starts
the probe only when some page mentions the setting or the backend package.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..context import Context
from ..document import CodeBlock, Document
from ..registry import Violation
from .client import ProbeAnswer, ask_probe
from .extract import PYTHON_LANGUAGES, Entry, Example, Process, Spot, Value, examples_in
from .options import Options
from .probe import STUB_APP

MEMO_KEY = "docs_audit.examples"

#: Records one violation of a code at a place of the page being checked.
_Add = Callable[[str, Spot, str], None]


@dataclass
class Findings:
    """Violations of every PS rule, by code."""

    by_code: dict[str, list[Violation]] = field(default_factory=lambda: defaultdict(list))

    def add(self, code: str, path: str, spot: Spot, message: str) -> None:
        self.by_code[code].append(Violation(path, spot.line, spot.column, message))

    def for_page(self, code: str, relpath: str) -> Iterator[Violation]:
        return (v for v in self.by_code.get(code, []) if v.path == relpath)


def options(ctx: Context) -> Options:
    return Options.from_table(ctx.table("examples"), ctx.config.root)


def relevant(doc: Document, ctx: Context) -> bool:
    """Whether the page needs the analysis at all (keeps one-file runs fast)."""
    opts = options(ctx)
    return _concerns(doc, opts) or ctx.docs_relative(doc) == opts.coverage_page


def _concerns(doc: Document, opts: Options) -> bool:
    """A Python block about the setting, a "Received" block, or a path of the package.

    Prose that only names the setting has nothing to check.
    """
    if opts.backend_package in doc.text:
        return True
    return any(
        (block.language.lower() in PYTHON_LANGUAGES and opts.names.mentioned_in(block.body))
        or _caption(block) == opts.received_caption
        for block in doc.code_blocks
    )


def _caption(block: CodeBlock) -> str:
    return dict(block.options).get("caption", "").strip()


def analysis(ctx: Context) -> Findings:
    cached = ctx.memo.get(MEMO_KEY)
    if cached is None:
        cached = _Pass(ctx, options(ctx)).run()
        ctx.memo[MEMO_KEY] = cached
    assert isinstance(cached, Findings)
    return cached


@dataclass(frozen=True)
class _Sent:
    """A process sent to the probe, and whether its ARGS were sent complete."""

    doc: Document
    process: Process
    args_complete: bool


class _Pass:
    def __init__(self, ctx: Context, opts: Options) -> None:
        self.ctx = ctx
        self.opts = opts
        self.names = opts.names
        self.out = Findings()
        self.pages = [d for d in ctx.documents if _concerns(d, opts)]
        self.examples = {d.relpath: examples_in(d, self.names) for d in self.pages}
        self.sent: dict[int, _Sent] = {}
        self.configs: list[dict[str, Any]] = []

    def run(self) -> Findings:
        for doc in self.pages:
            for example in self.examples[doc.relpath]:
                for unchecked in example.unchecked:
                    self.out.add("PS109", doc.relpath, unchecked.spot, unchecked.reason)
                for process in example.processes:
                    self._static(doc, process)
        coverage = self._coverage_doc()
        if not self.pages and coverage is None:
            return self.out
        answer = ask_probe(self.opts.python, self._request(), self.opts.timeout)
        if answer.error is not None:
            self._unavailable(answer.error, coverage)
            return self.out
        for sent_id, sent in self.sent.items():
            self._probed(sent, answer.results.get(sent_id, {}), answer)
        for doc in self.pages:
            self._received_blocks(doc, answer)
            self._deprecated_text(doc, answer)
        if coverage is not None:
            self._coverage(coverage, answer)
        return self.out

    # -- checks that need only the page ---------------------------------------------------

    def _static(self, doc: Document, process: Process) -> None:
        add = self._adder(doc)
        name, config = process.name, process.config
        if name.literal and not isinstance(name.value, str):
            add("PS105", name.spot, f"process name {name.value!r} must be a string")
        if config.entries is None:
            if config.literal:
                kind = type(config.value).__name__
                add("PS110", config.spot, f"process {process.label} must be a dict, not {kind}")
            else:
                add(
                    "PS109",
                    config.spot,
                    f"process {process.label} is `{config.source}`, not a "
                    "dict display, so it cannot be checked",
                )
            return
        for entry in config.entries:
            self._static_key(add, process, entry)
        backend = process.entry(self.names.backend_key)
        if backend is None:
            if config.unpacked:
                add(
                    "PS109",
                    config.spot,
                    f"process {process.label} takes its "
                    f"{self.names.backend_key!r} from a ** unpacking, so it cannot be checked",
                )
            else:
                add(
                    "PS105",
                    config.spot,
                    f"process {process.label} has no {self.names.backend_key!r}",
                )
            return
        self._static_values(doc, process, backend)

    def _static_key(self, add: _Add, process: Process, entry: Entry) -> None:
        key = entry.key
        if not key.literal:
            add("PS109", key.spot, f"key `{key.source}` is not a literal, so it cannot be checked")
        elif key.value not in self.opts.allowed_keys:
            known = ", ".join(repr(k) for k in sorted(self.opts.allowed_keys))
            near = [k for k in self.opts.allowed_keys if str(key.value).upper() == k.upper()]
            hint = f"; did you mean {near[0]!r}?" if near else ""
            add(
                "PS105",
                key.spot,
                f"unknown key {key.value!r} in process {process.label} "
                f"(a process has {known}){hint}",
            )

    def _static_values(self, doc: Document, process: Process, backend: Entry) -> None:
        add = self._adder(doc)
        value = backend.value
        if not value.literal:
            add(
                "PS109",
                value.spot,
                f"{self.names.backend_key} `{value.source}` is not a literal "
                "string, so the example cannot be checked",
            )
        elif not isinstance(value.value, str):
            add(
                "PS110",
                value.spot,
                f"{self.names.backend_key} must be a dotted path string, "
                f"not {type(value.value).__name__}",
            )
        app = process.entry(self.names.app_key)
        if app is not None and app.value.literal and not isinstance(app.value.value, str):
            add(
                "PS110",
                app.value.spot,
                f"{self.names.app_key} must be a dotted path string, "
                f"not {type(app.value.value).__name__}",
            )
        args = process.entry(self.names.args_key)
        if args is not None:
            self._static_args(add, args.value)
        if value.is_str():
            self._route(doc, process, backend.value, args)

    def _static_args(self, add: _Add, args: Value) -> None:
        key = self.names.args_key
        if args.literal and not isinstance(args.value, dict | str):
            add(
                "PS110",
                args.spot,
                f"{key} must be a dict or a string, not "
                f"{type(args.value).__name__}; leave {key} out if there are no options",
            )
        for entry in args.entries or ():
            if entry.key.literal and not isinstance(entry.key.value, str):
                add("PS110", entry.key.spot, f"{key} keys must be strings, not {entry.key.value!r}")

    def _route(self, doc: Document, process: Process, backend: Value, args: Entry | None) -> None:
        """Send paths of the package to the probe; never import anything else a page names.

        A reader's own backend (``mysite.backends.MyServer``) cannot be checked, but a
        misspelt package name is reported rather than skipped.
        """
        prefix = self.names.package_prefix
        path = str(backend.value)
        if path.startswith(prefix):
            self._send(doc, process, args)
            return
        top, wanted = path.split(".")[0], prefix.rstrip(".")
        if difflib.SequenceMatcher(None, top, wanted).ratio() >= 0.8:
            self._adder(doc)(
                "PS101",
                backend.spot,
                f"{self.names.backend_key} {path!r} cannot be imported: {top!r} looks like a "
                f"misspelling of {wanted!r}",
            )

    def _send(self, doc: Document, process: Process, args: Entry | None) -> None:
        """Queue a process for the probe with every literal part of its configuration."""
        config: dict[str, Any] = {}
        complete = True
        for entry in process.config.entries or ():
            key, value = entry.key.value, entry.value
            if not entry.key.literal or not isinstance(key, str):
                continue
            if key == self.names.args_key:
                known, complete = _known_args(value)
                if known is not None:
                    config[key] = known
            elif key == self.names.app_key and not value.literal:
                config[key] = STUB_APP
            elif value.literal:
                config[key] = value.value
        self.sent[len(self.sent)] = _Sent(doc, process, complete)
        self.configs.append(config)

    # -- the probe -----------------------------------------------------------------------

    def _request(self) -> dict[str, Any]:
        opts = self.opts
        return {
            "settings": opts.django_settings,
            "sys_path": list(opts.python_path),
            "backend_package": opts.backend_package,
            "base_class": opts.backend_base,
            "coverage_modules": list(opts.coverage_modules),
            "coverage_exclude": list(opts.coverage_exclude),
            "received_methods": opts.received_methods,
            "arg_validators": opts.arg_validators,
            "default_method": opts.default_method,
            "backend_key": self.names.backend_key,
            "args_key": self.names.args_key,
            "app_key": self.names.app_key,
            "processes": [
                {"id": i, "config": repr(c), "args_opaque": not self.sent[i].args_complete}
                for i, c in enumerate(self.configs)
            ],
        }

    def _unavailable(self, error: str, coverage: Document | None) -> None:
        message = f"cannot check the {self.names.setting} examples: {error} (interpreter: {self.opts.python})"
        docs = list(self.pages)
        if coverage is not None and coverage not in docs:
            docs.append(coverage)
        for doc in docs:
            self.out.add(
                "PS100",
                doc.relpath,
                _first_mention(doc, self.examples.get(doc.relpath), self.opts),
                message,
            )

    # -- checks that need the probe --------------------------------------------------------

    def _probed(self, sent: _Sent, result: dict[str, Any], answer: ProbeAnswer) -> None:
        add = self._adder(sent.doc)
        process = sent.process
        backend = process.entry(self.names.backend_key)
        assert backend is not None
        path = backend.value.value
        if "import_error" in result:
            add(
                "PS101",
                backend.value.spot,
                f"{self.names.backend_key} {path!r} cannot be imported: {result['import_error']}",
            )
            return
        if "not_backend" in result:
            add("PS102", backend.value.spot, result["not_backend"])
            return
        short = str(result.get("class", path)).rsplit(".", 1)[-1]
        if "needs_app" in result:
            add(
                "PS104",
                process.name.spot,
                f"process {process.label} has no "
                f"{self.names.app_key!r}; {short} fails without it ({result['needs_app']})",
            )
        if "instantiate_error" in result:
            add(
                "PS111",
                process.name.spot,
                f"{short} rejects the configuration of process "
                f"{process.label}: {result['instantiate_error']}",
            )
            return
        args = process.entry(self.names.args_key)
        if "received_error" in result:
            self._received_error(add, short, process, args, result)
        elif result.get("method") == self.opts.default_method and args is not None:
            self._argv_values(add, args.value)
        if "rejected" in result:
            self._rejected(add, short, process, args, result)
        elif "validator_error" in result:
            spot = args.value.spot if args else process.name.spot
            add(
                "PS112",
                spot,
                f"cannot validate the arguments of {short}: {result['validator_error']}",
            )
        for key in result.get("ignored", []):
            spot = _key_spot(args, key) if args else process.name.spot
            add(
                "PS106",
                spot,
                f"{short} ignores {self.names.args_key} key {key!r}: removing it "
                f"does not change what the server receives ({answer.distribution})",
            )

    def _received_error(
        self, add: _Add, short: str, process: Process, args: Entry | None, result: dict[str, Any]
    ) -> None:
        bad = result.get("bad_arg")
        spot = (
            _key_spot(args, bad)
            if args and bad
            else (args.value.spot if args else process.name.spot)
        )
        what = f"{self.names.args_key} key {bad!r}" if bad else self.names.args_key
        add("PS110", spot, f"{short} cannot use {what}: {result['received_error']}")

    def _rejected(
        self, add: _Add, short: str, process: Process, args: Entry | None, result: dict[str, Any]
    ) -> None:
        bad = result.get("rejected_arg")
        spot = (
            _key_spot(args, bad)
            if args and bad
            else (args.value.spot if args else process.name.spot)
        )
        what = f"{self.names.args_key} key {bad!r}" if bad else f"the {self.names.args_key}"
        add(
            "PS112",
            spot,
            f"{short} passes {what} on, and the {result['rejected_by']} parser rejects it: "
            f"{result['rejected']}",
        )

    def _argv_values(self, add: _Add, args: Value) -> None:
        for entry in args.entries or ():
            value, key = entry.value, entry.key.value
            if not value.literal or not isinstance(key, str):
                continue
            if isinstance(value.value, list | tuple | dict | set):
                add(
                    "PS110",
                    value.spot,
                    f"a {type(value.value).__name__} becomes one argument "
                    f"'--{key}={value.value}'; an option cannot be repeated this way",
                )

    def _received_blocks(self, doc: Document, answer: ProbeAnswer) -> None:
        by_index = {e.index: e for e in self.examples[doc.relpath]}
        sent_by_process = {id(s.process): (i, s) for i, s in self.sent.items()}
        for index, block in enumerate(doc.code_blocks):
            if _caption(block) != self.opts.received_caption:
                continue
            example = by_index.get(index - 1)
            self._received_block(doc, block, example, sent_by_process, answer)

    def _received_block(
        self,
        doc: Document,
        block: CodeBlock,
        example: Example | None,
        sent_by_process: dict[int, tuple[int, _Sent]],
        answer: ProbeAnswer,
    ) -> None:
        add = self._adder(doc)
        where = Spot(block.line, block.column)
        caption = self.opts.received_caption
        if example is None or not example.processes:
            add(
                "PS107",
                where,
                f"a '{caption}' block must come right after a Python block with a "
                f"{self.names.setting} example",
            )
            return
        if len(example.processes) != 1:
            add(
                "PS107",
                where,
                f"the example before this '{caption}' block holds "
                f"{len(example.processes)} processes; show exactly one",
            )
            return
        found = sent_by_process.get(id(example.processes[0]))
        if found is None:
            return  # its BACKEND is not usable; reported where it is written
        sent_id, sent = found
        result = answer.results.get(sent_id, {})
        if "class" not in result or "instantiate_error" in result or "received_error" in result:
            return  # reported at the example
        short = str(result["class"]).rsplit(".", 1)[-1]
        if not result.get("method"):
            add(
                "PS107",
                where,
                f"{short} reads {self.names.args_key} directly and receives no "
                f"arguments; describe its keys in a table instead of a '{caption}' block",
            )
            return
        if not sent.args_complete:
            add(
                "PS109",
                where,
                f"what {short} receives cannot be computed: "
                f"{self.names.args_key} holds values that are not literals",
            )
            return
        self._compare(add, doc, block, str(result["received"]), answer.distribution)

    def _compare(
        self, add: _Add, doc: Document, block: CodeBlock, received: str, distribution: str
    ) -> None:
        lines = block.body.split("\n")
        shown = [(i, line) for i, line in enumerate(lines) if line.strip()]
        if len(shown) != 1:
            add(
                "PS107",
                Spot(block.line, block.column),
                f"a '{self.opts.received_caption}' block "
                f"holds exactly one line; {distribution} computes {received}",
            )
            return
        offset, line = shown[0]
        if line.strip() == received:
            return
        page_line = block.body_line + offset
        text = doc.lines[page_line - 1] if page_line <= len(doc.lines) else line
        column = len(text) - len(text.lstrip()) + 1
        add(
            "PS107",
            Spot(page_line, column),
            f"the page shows {line.strip()} but {distribution} computes {received}",
        )

    def _deprecated_text(self, doc: Document, answer: ProbeAnswer) -> None:
        relative = self.ctx.docs_relative(doc)
        if any(fnmatch.fnmatch(relative, glob) for glob in self.opts.deprecated_allowed):
            return
        for module, names in answer.deprecated.items():
            pattern = re.compile(r"(?<![\w.])" + re.escape(module) + r"(?:\.(\w+))?(?!\w)")
            for match in pattern.finditer(doc.text):
                new = names.get(match.group(1) or "")
                if new:
                    advice = f"use {new!r}"
                else:
                    homes = sorted({path.rsplit(".", 1)[0] for path in names.values()})
                    advice = f"its classes live in {', '.join(homes)}" if homes else "do not use it"
                self.out.add(
                    "PS103",
                    doc.relpath,
                    _offset_spot(doc.text, match.start()),
                    f"{match.group(0)!r} is a deprecated path (importing {module} warns); {advice}",
                )

    def _coverage_doc(self) -> Document | None:
        return next(
            (d for d in self.ctx.documents if self.ctx.docs_relative(d) == self.opts.coverage_page),
            None,
        )

    def _coverage(self, doc: Document, answer: ProbeAnswer) -> None:
        add = self._adder(doc)
        spot = Spot(doc.headings[0].line, doc.headings[0].column) if doc.headings else Spot(1, 1)
        texts = [d.text for d in self.ctx.documents]
        for path in answer.backends:
            pattern = re.compile(r"(?<![\w.])" + re.escape(path) + r"(?!\w)")
            if not any(pattern.search(text) for text in texts):
                add(
                    "PS108",
                    spot,
                    f"{path} is a public backend class of {answer.distribution} "
                    "but no page names it by its full dotted path",
                )
        for error in answer.coverage_errors:
            add("PS108", spot, f"cannot list the backends of {error}")

    # -- helpers ---------------------------------------------------------------------------

    def _adder(self, doc: Document) -> _Add:
        def add(code: str, spot: Spot, message: str) -> None:
            self.out.add(code, doc.relpath, spot, message)

        return add


def _known_args(value: Value) -> tuple[Any, bool]:
    """The literal part of ARGS to send, and whether it is all of ARGS."""
    if value.literal:
        return (value.value, True) if isinstance(value.value, dict | str) else (None, False)
    if value.entries is None:
        return None, False
    known = {
        e.key.value: e.value.value
        for e in value.entries
        if e.key.literal and isinstance(e.key.value, str) and e.value.literal
    }
    return known, False


def _key_spot(args: Entry, key: str) -> Spot:
    for entry in args.value.entries or ():
        if entry.key.literal and entry.key.value == key:
            return entry.key.spot
    return args.value.spot


def _offset_spot(text: str, offset: int) -> Spot:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Spot(line, column)


def _first_mention(doc: Document, examples: list[Example] | None, opts: Options) -> Spot:
    if examples:
        block = examples[0].block
        return Spot(block.line, block.column)
    for needle in (opts.names.setting, opts.backend_package):
        at = doc.text.find(needle)
        if at >= 0:
            return _offset_spot(doc.text, at)
    return Spot(1, 1)
