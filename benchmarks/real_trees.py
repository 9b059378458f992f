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
minimum is the run least disturbed by the rest of the machine. Sphinx and the cold
check take turns, so that a slow spell of the machine weighs on both alike; the
ratio of the medians is printed beside the ratio of the best runs. Bytecode is written
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
from dataclasses import dataclass, field
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


@dataclass
class Timed:
    """One command timed several times: each run after ``before()``."""

    command: list[str]
    before: Callable[[], None]
    seconds: list[float] = field(default_factory=list)
    rss: int = 0

    def once(self, cwd: Path) -> None:
        self.before()
        seconds, _, rss = timed(self.command, cwd)
        self.seconds.append(seconds)
        self.rss = max(self.rss, rss)


def interleaved(runs: list[Timed], repeat: int, cwd: Path) -> None:
    """An untimed run of each (bytecode, file cache), then ``repeat`` rounds of all of them
    in turn: the machine's slow spells fall on both sides of a ratio alike."""
    for run in runs:
        run.once(cwd)
        run.seconds.clear()
    for _ in range(repeat):
        for run in runs:
            run.once(cwd)


def measure(name: str, venvs: Path, scratch: Path, repeat: int) -> dict[str, float]:
    root = copy_tree(name, scratch)
    sphinx_build = venvs / name / "bin" / "sphinx-build"
    if not sphinx_build.exists():
        raise SystemExit(f"{sphinx_build} is missing: run with --setup first")
    html = scratch / f"{name}-html"
    sphinx = Timed(
        [str(sphinx_build), "-b", "html", "-E", "-q", "-D", "intersphinx_timeout=1",
         "docs", str(html)],
        lambda: shutil.rmtree(html, ignore_errors=True),
    )  # fmt: skip
    check = [*DOCS_AUDIT, "check", "--format", "json", "-o", os.devnull]
    cache = root / ".docs-audit-cache"
    cold = Timed(check, lambda: shutil.rmtree(cache, ignore_errors=True))
    interleaved([sphinx, cold], repeat, root)
    warm = Timed(check, lambda: None)
    interleaved([warm], repeat, root)
    pages = sum(1 for p in (root / "docs").rglob("*") if p.suffix in (".md", ".rst"))
    return {
        "pages": pages,
        "sphinx": min(sphinx.seconds),
        "cold": min(cold.seconds),
        "cold_median": sorted(cold.seconds)[len(cold.seconds) // 2],
        "sphinx_median": sorted(sphinx.seconds)[len(sphinx.seconds) // 2],
        "warm": min(warm.seconds),
        "rss": max(cold.rss, warm.rss) / 1024,
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
          f"{'median ratio':>13} {'warm s':>8} {'rss MB':>7}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-real-trees-") as folder:
        for name in args.trees:
            row = measure(name, args.venvs, Path(folder), args.repeat)
            print(
                f"{name:<14} {row['pages']:>5.0f} {row['sphinx']:>9.2f} {row['cold']:>8.2f} "
                f"{row['cold'] / row['sphinx']:>12.3f} "
                f"{row['cold_median'] / row['sphinx_median']:>13.3f} "
                f"{row['warm']:>8.2f} {row['rss']:>7.1f}",
                flush=True,
            )
    print("target: cold/sphinx <= 0.1 (best of each; the median ratio is of the medians)")


if __name__ == "__main__":
    main()
