"""Benchmark of the offline check against a Sphinx build of the same generated tree.

Prints: the full offline check (cold: no cache; warm: cache present), the time per
page, ``docs-audit check`` on one changed file (a new process, start-up included)
and a Sphinx HTML build of the same tree. Run: ``python benchmarks/check.py [--pages N]``.

A second section times the settings-examples plugin on this repository's own
``docs/backends/gunicorn.md`` (a copy): the one-file pre-commit run with its probe
verdicts cached against the same run with ``--ignore PS`` (target: at most 1.5x),
the run without the verdict cache, and how many examples a one-example edit sends
to the probe. It needs the ``prodserver`` extra (django-prodserver installed).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SECTIONS = ["Overview", "Installation", "Configuration", "Examples", "Common Issues"]


def page_markdown(index: int, total: int, rng: random.Random) -> str:
    other = rng.randrange(total)
    parts = [f"(page-{index})=\n", f"# Page {index}\n"]
    for section in SECTIONS:
        parts.append(f"## {section}\n")
        parts.append(
            f"This section of page {index} explains {section.lower()} in a few sentences. "
            f"See {{ref}}`page-{other}` and [the overview](#overview) for background.\n"
        )
        parts.append('```python\nPRODUCTION_PROCESSES = {"web": {"BACKEND": "x.y.Z"}}\n```\n')
        parts.append("- one item\n- another item with `code`\n")
    return "\n".join(parts)


def page_rst(index: int, total: int, rng: random.Random) -> str:
    other = rng.randrange(total)
    title = f"Page {index}"
    body = [f".. _page-{index}:\n", title, "=" * len(title), ""]
    for section in SECTIONS:
        body += [section, "-" * len(section), "",
                 f"Text about {section.lower()}, see :ref:`page-{other}`.", "",
                 ".. code-block:: python", "", "   x = 1", ""]  # fmt: skip
    return "\n".join(body) + "\n"


def make_tree(root: Path, pages: int) -> None:
    rng = random.Random(7)
    docs = root / "docs"
    for folder in range(pages // 100 + 1):
        (docs / f"part{folder}").mkdir(parents=True, exist_ok=True)
    names = []
    for index in range(pages):
        folder = f"part{index // 100}"
        rst = index % 5 == 0
        name = f"{folder}/page{index}"
        text = page_rst(index, pages, rng) if rst else page_markdown(index, pages, rng)
        (docs / (name + (".rst" if rst else ".md"))).write_text(text, encoding="utf-8")
        names.append(name)
    toctree = "\n".join(names)
    (docs / "index.md").write_text(
        f"(home)=\n# Home\n\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n", encoding="utf-8"
    )
    (docs / "conf.py").write_text(
        'project = "bench"\nextensions = ["myst_parser"]\nmyst_heading_anchors = 2\n'
        'exclude_patterns = ["_build"]\n',
        encoding="utf-8",
    )
    (root / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n', encoding="utf-8"
    )


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - started


def examples_section(audit: list[str], runs: int) -> None:
    """The one-file run on a page of settings examples: verdicts cached versus no plugin."""
    if importlib.util.find_spec("django_prodserver") is None:
        print("examples plugin: skipped (install the prodserver extra)")
        return
    with tempfile.TemporaryDirectory(prefix="docs-audit-bench-examples-") as scratch:
        root = Path(scratch)
        shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("_build"))
        shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
        page = "docs/backends/gunicorn.md"
        one_file = [*audit, "check", page]
        cache = root / ".docs-audit-cache" / "examples.json"
        cold = timed(one_file, root)  # parses the tree, probes every example of the page
        warm, without = [], []
        for _ in range(runs):  # interleaved, so a busy machine slows both alike
            warm.append(timed(one_file, root))
            without.append(timed([*one_file, "--ignore", "PS"], root))
        uncached = []
        for _ in range(3):
            cache.unlink()
            uncached.append(timed(one_file, root))
        before = json.loads(cache.read_text(encoding="utf-8"))
        path = root / page
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('"workers": 2}', '"workers": 3}', 1), encoding="utf-8")
        edited = timed(one_file, root)
        after = json.loads(cache.read_text(encoding="utf-8"))
        reprobed = sum(1 for e in after["processes"].values() if e["probe"] > before["probes"])
        warm_s, without_s = statistics.median(warm), statistics.median(without)
        print(f"examples plugin, one file ({page}, medians of {runs}):")
        print(f"  verdicts cached:                   {warm_s:7.3f} s")
        print(f"  --ignore PS (plugin not run):      {without_s:7.3f} s")
        print(f"  ratio: {warm_s / without_s:4.2f}x (target <= 1.5x)")
        print(f"  no verdict cache (probe started):  {statistics.median(uncached):7.3f} s")
        print(f"  first run (tree parsed, probed):   {cold:7.3f} s")
        print(
            f"  one example edited:                {edited:7.3f} s, re-probed {reprobed} of "
            f"{len(after['processes'])} cached examples"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--no-sphinx", action="store_true", help="skip the Sphinx build")
    parser.add_argument("--examples-only", action="store_true", help="only the examples section")
    parser.add_argument("--runs", type=int, default=7, help="one-file runs per timing")
    args = parser.parse_args()
    audit = [sys.executable, "-m", "docs_audit"]
    examples_section(audit, args.runs)
    if args.examples_only:
        return
    with tempfile.TemporaryDirectory(prefix="docs-audit-bench-") as scratch:
        root = Path(scratch)
        make_tree(root, args.pages)
        cold = timed([*audit, "check", "--no-cache"], root)
        timed([*audit, "check"], root)  # fills the cache
        warm = statistics.median(timed([*audit, "check"], root) for _ in range(3))
        changed = root / "docs" / "part3" / "page301.md"
        singles = []
        for attempt in range(5):
            changed.write_text(
                changed.read_text(encoding="utf-8") + f"\nEdit {attempt}.\n", encoding="utf-8"
            )
            singles.append(timed([*audit, "check", str(changed.relative_to(root))], root))
        one_file = statistics.median(singles)
        print(f"pages: {args.pages}")
        print(
            f"full offline check, cold (no cache): {cold:7.2f} s  ({cold / args.pages * 1000:.2f} ms/page)"
        )
        print(f"full offline check, warm (cache):    {warm:7.2f} s")
        print(
            f"one changed file (new process):      {one_file:7.3f} s  (median of 5; target <= 0.5 s)"
        )
        if not args.no_sphinx:
            shutil.rmtree(root / ".docs-audit-cache", ignore_errors=True)
            build = timed([sys.executable, "-m", "sphinx", "-q", "-b", "html", "docs", "out"], root)
            print(f"sphinx-build -b html:                {build:7.2f} s")
            print(f"speed-up of the cold check over Sphinx: {build / cold:5.1f}x (target >= 20x)")


if __name__ == "__main__":
    main()
