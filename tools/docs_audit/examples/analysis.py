"""One pass over the tree: examples read, the probe asked once, violations sorted by code.

The rules in :mod:`docs_audit.checks.examples` only hand out what this pass found
for their page. It runs at most once per run (:meth:`Context.computed`) and starts
the probe only when some page has something to check (see :func:`relevant`).
"""

from __future__ import annotations

import fnmatch
from typing import Any

from ..context import Context
from ..document import Document
from .client import ProbeAnswer
from .extract import PYTHON_LANGUAGES, Example, Spot, examples_in
from .options import ExamplesTable, Options
from .paths import deprecated_mentions, undocumented_backends
from .received import ReceivedBlocks, caption
from .report import Findings, Sent, offset_spot
from .static import StaticChecks, probe_config
from .verdict_cache import ask_cached
from .verdicts import Verdicts


def options(ctx: Context) -> Options:
    return ctx.computed(_options)


def _options(ctx: Context) -> Options:
    return Options.from_table(ctx.config.settings("examples", ExamplesTable), ctx.config.root)


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
        or caption(block) == opts.received_caption
        for block in doc.code_blocks
    )


def analysis(ctx: Context) -> Findings:
    return ctx.computed(_analysis)


def _analysis(ctx: Context) -> Findings:
    return _Pass(ctx, options(ctx)).run()


class _Pass:
    def __init__(self, ctx: Context, opts: Options) -> None:
        self.ctx = ctx
        self.opts = opts
        self.out = Findings()
        # Only the pages reported on: a one-file run reads that page's examples alone.
        self.pages = [d for d in ctx.documents if ctx.reports_on(d) and _concerns(d, opts)]
        self.examples = {d.relpath: examples_in(d, opts.names) for d in self.pages}
        self.sent: list[Sent] = []
        self.configs: list[dict[str, Any]] = []

    def run(self) -> Findings:
        static = StaticChecks(self.opts.names, self.opts.allowed_keys)
        for doc in self.pages:
            add = self.out.adder(doc)
            for example in self.examples[doc.relpath]:
                for unchecked in example.unchecked:
                    add("PS109", unchecked.spot, unchecked.reason)
                for process in example.processes:
                    if static.check(process, add):
                        config, complete = probe_config(process, self.opts.names)
                        self.sent.append(Sent(doc, process, complete))
                        self.configs.append(config)
        coverage = self._coverage_doc()
        if self.pages or coverage is not None:
            cache = self.ctx.config.cache_dir / "examples.json" if self.ctx.use_cache else None
            answer = ask_cached(
                self.opts.python, self._request(), self.opts.timeout, cache, self.ctx.notes
            )
            if answer.error is None:
                self._probed(answer, coverage)
            else:
                self._unavailable(answer.error, coverage)
        return self.out

    def _probed(self, answer: ProbeAnswer, coverage: Document | None) -> None:
        verdicts = Verdicts(self.opts.names, self.opts.default_method, answer.distribution)
        answered = {
            id(sent.process): (sent, answer.results.get(index, {}))
            for index, sent in enumerate(self.sent)
        }
        for sent, result in answered.values():
            verdicts.report(sent, result, self.out.adder(sent.doc))
        received = ReceivedBlocks(self.opts.names, self.opts.received_caption, answer.distribution)
        for doc in self.pages:
            add = self.out.adder(doc)
            received.check(doc, self.examples[doc.relpath], answered, add)
            if not self._deprecated_allowed(doc):
                deprecated_mentions(doc, answer, add)
        if coverage is not None:
            texts = (d.text for d in self.ctx.documents)
            undocumented_backends(coverage, texts, answer, self.out.adder(coverage))

    def _deprecated_allowed(self, doc: Document) -> bool:
        relative = self.ctx.docs_relative(doc)
        return any(fnmatch.fnmatch(relative, glob) for glob in self.opts.deprecated_allowed)

    def _coverage_doc(self) -> Document | None:
        return next(
            (
                d
                for d in self.ctx.documents
                if self.ctx.reports_on(d) and self.ctx.docs_relative(d) == self.opts.coverage_page
            ),
            None,
        )

    def _request(self) -> dict[str, Any]:
        opts, names = self.opts, self.opts.names
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
            "backend_key": names.backend_key,
            "args_key": names.args_key,
            "app_key": names.app_key,
            "processes": [
                {"id": i, "config": repr(config), "args_opaque": not self.sent[i].args_complete}
                for i, config in enumerate(self.configs)
            ],
        }

    def _unavailable(self, error: str, coverage: Document | None) -> None:
        message = (
            f"cannot check the {self.opts.names.setting} examples: {error} "
            f"(interpreter: {self.opts.python})"
        )
        docs = list(self.pages)
        if coverage is not None and coverage not in docs:
            docs.append(coverage)
        for doc in docs:
            spot = _first_mention(doc, self.examples.get(doc.relpath), self.opts)
            self.out.add("PS100", doc.relpath, spot, message)


def _first_mention(doc: Document, examples: list[Example] | None, opts: Options) -> Spot:
    if examples:
        block = examples[0].block
        return Spot(block.line, block.column)
    for needle in (opts.names.setting, opts.backend_package):
        at = doc.text.find(needle)
        if at >= 0:
            return offset_spot(doc.text, at)
    return Spot(1, 1)
