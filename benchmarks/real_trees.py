"""docs-audit check against sphinx-build on the real trees in shared/real-trees, in one run.

For each tree (attrs, flask, sphinx-design) it prints:

- ``sphinx``: wall time of ``sphinx-build -b html -E -q`` on the tree, with the
  tree's own Sphinx and extensions (its ``sphinx-version.txt``);
- ``cold``: ``docs-audit check`` with no page cache, and that time as a fraction of
  Sphinx's (the target is at most 0.1);
- ``warm``: the same check again, with the page cache the cold run wrote;
- ``rss``: docs-audit's peak resident memory (the larger of the two runs).

Each figure is the best of ``--repeat`` runs (3 by default), after one untimed run of
each tool that writes bytecode and warms the file cache, as ``timeit`` advises: the
minimum is the run least disturbed by the rest of the machine. Bytecode is written
even where ``PYTHONDONTWRITEBYTECODE`` is set, because an installed package ships
its bytecode.

Sphinx for a tree needs that tree's extensions, so each tree gets its own virtualenv
(PyPI is enough)::

    python benchmarks/real_trees.py --setup          # once: venvs in .bench-venvs/
    python benchmarks/real_trees.py                  # the figures

``--venvs DIR`` puts the virtualenvs elsewhere; ``--trees`` names the trees
(``DOCS_AUDIT_REAL_TREES`` or ``../shared/real-trees`` is where they are read from).
The builds run without network access to the inventories, as the recorded truth
did (intersphinx gives up quickly: ``intersphinx_timeout`` is set to 1 s).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TREES = ("attrs", "flask", "sphinx-design")

# The trees are found and copied as the agreement test does (tests/real_trees).
sys.path.insert(0, str(REPO))
from tests.real_trees import copy_tree, real_trees_dir  # noqa: E402

#: The command a user runs: the console script beside this interpreter, when installed.
_SCRIPT = Path(sys.executable).with_name("docs-audit")
DOCS_AUDIT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "docs_audit"]
#: What the timed tools run with: bytecode written and reused, as after an install.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, exit status and peak RSS (kB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, process.returncode, int(usage.ru_maxrss)


def setup(venvs: Path, names: list[str]) -> None:
    for name in names:
        venv = venvs / name
        if not (venv / "bin" / "sphinx-build").exists():
            print(f"creating {venv} ...", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            requirements = real_trees_dir() / name / "sphinx-version.txt"
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", "-r", str(requirements)], check=True
            )


def best_of(
    repeat: int, command: list[str], cwd: Path, before: Callable[[], None]
) -> tuple[float, int]:
    """The least wall time of ``repeat`` runs, each after ``before()``, and the peak RSS."""
    before()
    timed(command, cwd)  # untimed: bytecode and file cache
    runs = []
    for _ in range(repeat):
        before()
        runs.append(timed(command, cwd))
    return min(seconds for seconds, _, _ in runs), max(rss for _, _, rss in runs)


def measure(name: str, venvs: Path, scratch: Path, repeat: int) -> dict[str, float]:
    root = copy_tree(name, scratch)
    sphinx_build = venvs / name / "bin" / "sphinx-build"
    if not sphinx_build.exists():
        raise SystemExit(f"{sphinx_build} is missing: run with --setup first")
    html = scratch / f"{name}-html"
    sphinx, _ = best_of(
        repeat,
        [str(sphinx_build), "-b", "html", "-E", "-q", "-D", "intersphinx_timeout=1",
         "docs", str(html)],
        root,
        lambda: shutil.rmtree(html, ignore_errors=True),
    )  # fmt: skip
    check = [*DOCS_AUDIT, "check", "--format", "json", "-o", os.devnull]
    cache = root / ".docs-audit-cache"
    cold, cold_rss = best_of(repeat, check, root, lambda: shutil.rmtree(cache, ignore_errors=True))
    warm, warm_rss = best_of(repeat, check, root, lambda: None)
    pages = sum(1 for p in (root / "docs").rglob("*") if p.suffix in (".md", ".rst"))
    return {
        "pages": pages,
        "sphinx": sphinx,
        "cold": cold,
        "warm": warm,
        "rss": max(cold_rss, warm_rss) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venvs", type=Path, default=REPO / ".bench-venvs")
    parser.add_argument("--trees", nargs="*", default=list(TREES))
    parser.add_argument("--setup", action="store_true", help="Create the Sphinx virtualenvs.")
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs per figure (best kept).")
    args = parser.parse_args()
    if args.setup:
        setup(args.venvs, args.trees)
    print(f"{'tree':<14} {'pages':>5} {'sphinx s':>9} {'cold s':>8} {'cold/sphinx':>12} "
          f"{'warm s':>8} {'rss MB':>7}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-real-trees-") as folder:
        for name in args.trees:
            row = measure(name, args.venvs, Path(folder), args.repeat)
            print(
                f"{name:<14} {row['pages']:>5.0f} {row['sphinx']:>9.2f} {row['cold']:>8.2f} "
                f"{row['cold'] / row['sphinx']:>12.3f} {row['warm']:>8.2f} {row['rss']:>7.1f}",
                flush=True,
            )
    print("target: cold/sphinx <= 0.1")


if __name__ == "__main__":
    main()
