"""Benchmark of the offline check against a Sphinx build of the same generated tree.

Prints: the full offline check (cold: no cache; warm: cache present), the time per
page, ``docs-audit check`` on one changed file (a new process, start-up included)
and a Sphinx HTML build of the same tree. Run: ``python benchmarks/check.py [--pages N]``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--no-sphinx", action="store_true", help="skip the Sphinx build")
    args = parser.parse_args()
    audit = [sys.executable, "-m", "docs_audit"]
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
