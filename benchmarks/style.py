"""Time the built-in style engine: on the docs tree, on a generated 2,000-page tree, and
on the two hostile pages of issue 13 (a 1 MB line of repeated words, 100,000 lines).

Usage: python benchmarks/style.py [--pages N] [--keep DIR] [--hostile-runs N]

The hostile pages are timed with the engine alone (no project parse, imports
warm), N runs each (default 3), as CPU and wall seconds, min and median;
benchmarks/hostile.py times the whole command on them.

The generated pages mix Markdown (MyST: labels, admonitions, code blocks, tables,
roles) and reStructuredText, with prose that the repository's rules mostly accept
and a few mistakes they report. The repository's .vale.ini and styles are used.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))

from docs_audit.style.api import run_builtin  # noqa: E402

from tests.hostile.pages import hundred_thousand_lines, one_megabyte_line  # noqa: E402

SENTENCES = [
    "django-prodserver starts the processes a Django project needs in production.",
    "Each entry of `PRODUCTION_PROCESSES` names a backend and the arguments it receives.",
    "Gunicorn runs the WSGI application with a pre-fork worker model.",
    "Uvicorn serves ASGI applications and supports WebSocket connections.",
    "Run `python manage.py server web` to start the process called web.",
    "Celery Beat schedules periodic tasks, and Flower shows what the workers are doing.",
    "Put nginx in front of the server when you terminate TLS yourself.",
    "The Docker Compose file starts the web server, the worker and the database.",
    "Install the extra for each backend you use, for example `gunicorn`.",
    "A supervisor such as systemd restarts the process when it exits.",
    "The backend receives the arguments as command-line options.",
    "Django-Q2 and Django Tasks run background work without a separate broker.",
    "Waitress is a pure-Python WSGI server that also runs on Windows.",
    "Granian is written in Rust and serves both WSGI and ASGI applications.",
]
MISTAKES = [
    "Simply start gunicorn and you are done.",
    "The back-end reads its settings from the environment.",
]


def _paragraph(rng: random.Random, mistakes: bool) -> str:
    words = rng.sample(SENTENCES, 4)
    if mistakes and rng.random() < 0.2:
        words.append(rng.choice(MISTAKES))
    return " ".join(words)


def markdown_page(rng: random.Random, index: int) -> str:
    parts = [f"(page-{index})=\n\n# Page {index}\n"]
    for section in range(4):
        parts.append(f"## Section {section}\n\n{_paragraph(rng, True)}\n")
        parts.append(f"```{{note}}\n{_paragraph(rng, False)}\n```\n")
        parts.append(
            '```python\nPRODUCTION_PROCESSES = {\n    "web": {\n'
            '        "BACKEND": "django_prodserver.backends.servers.gunicorn.GunicornServer",\n'
            "    },\n}\n```\n"
        )
        parts.append("| Key | Meaning |\n| --- | --- |\n| `BACKEND` | The backend class. |\n")
        parts.append(f"- {_paragraph(rng, False)}\n- See {{ref}}`the guide <page-{index}>`.\n")
    return "\n".join(parts)


def rst_page(rng: random.Random, index: int) -> str:
    title = f"Page {index}"
    parts = [f".. _page-{index}:\n\n{title}\n{'=' * len(title)}\n"]
    for section in range(4):
        heading = f"Section {section}"
        parts.append(f"{heading}\n{'-' * len(heading)}\n\n{_paragraph(rng, True)}\n")
        parts.append(".. note::\n\n   " + _paragraph(rng, False) + "\n")
        parts.append(".. code-block:: python\n\n   PRODUCTION_PROCESSES = {}\n")
    return "\n".join(parts)


def generate(target: Path, pages: int) -> None:
    rng = random.Random(20260601)
    shutil.copy(ROOT / ".vale.ini", target / ".vale.ini")
    shutil.copytree(ROOT / ".vale", target / ".vale")
    for index in range(pages):
        folder = target / "docs" / f"part{index // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        if index % 4 == 3:
            (folder / f"page{index}.rst").write_text(rst_page(rng, index), encoding="utf-8")
        else:
            (folder / f"page{index}.md").write_text(markdown_page(rng, index), encoding="utf-8")


def timed(paths: list[Path], cwd: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    run = run_builtin(paths, cwd)
    return time.perf_counter() - start, run.files, len(run.alerts)


def hostile(runs: int) -> None:
    """The engine alone on the hostile pages: CPU and wall seconds, min and median."""
    pages = {
        "1 MB line of repeated words": one_megabyte_line(),
        "100,000 lines": hundred_thousand_lines()[0],
    }
    for name, page in pages.items():
        with tempfile.TemporaryDirectory(prefix="style-hostile-") as folder:
            target = Path(folder)
            shutil.copy(ROOT / ".vale.ini", target / ".vale.ini")
            shutil.copytree(ROOT / ".vale", target / ".vale")
            (target / "page.md").write_text(page, encoding="utf-8")
            walls, cpus, alerts = [], [], 0
            for _ in range(runs):
                wall, cpu = time.perf_counter(), time.process_time()
                alerts = len(run_builtin([Path("page.md")], target).alerts)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
        print(
            f"hostile page, {name}: {alerts} alerts, CPU min {min(cpus):.2f} s median "
            f"{statistics.median(cpus):.2f} s, wall min {min(walls):.2f} s median "
            f"{statistics.median(walls):.2f} s ({runs} runs, engine alone)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--hostile-runs", type=int, default=3, help="runs per hostile page")
    args = parser.parse_args()

    seconds, files, alerts = timed([Path("docs")], ROOT)
    print(
        f"docs/ tree: {files} files, {alerts} alerts, {seconds:.2f} s (built-in engine, warm imports)"
    )

    folder = args.keep or Path(tempfile.mkdtemp(prefix="style-bench-"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        generate(folder, args.pages)
        seconds, files, alerts = timed([Path("docs")], folder)
        print(
            f"generated tree: {files} files, {alerts} alerts, {seconds:.2f} s "
            f"({1000 * seconds / max(files, 1):.1f} ms a page)"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    if args.hostile_runs > 0:
        hostile(args.hostile_runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
