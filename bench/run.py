"""The service desk benchmark: seed, serve with gunicorn, load with wrk, report.

Run it through `bench/run.sh` (which installs what is missing), for example

    bench/run.sh --tickets 100000

For each size it (re)creates the database `servicedesk_bench` with a UTF-8
LC_CTYPE (pg_trgm sees no trigrams in Hangul otherwise), migrates, seeds it with
`manage.py seed_bench`, then starts gunicorn exactly as the Dockerfile does
(`gunicorn --config gunicorn.conf.py`, production settings) on a loopback port.

These passes follow, each against a freshly started gunicorn:

1. counting: one worker with BENCH_COUNT_QUERIES=true; every endpoint is asked
   a few times and the `X-Query-Count` header gives its SQL queries per request;
2. reads: `/healthz`, then every read endpoint, each for `--duration` seconds
   at `--connections` connections, then `/healthz` again; a ratio is an
   endpoint's requests/s over the mean of the two `/healthz` runs of its
   pass, so the figure survives a noisy machine. Then the memory: the RSS of
   each gunicorn worker before and after `--memory-seconds` on the queue page,
   and one CSV export of every ticket (`/queue/export.csv`: time, rows, the
   workers' RSS before, at its peak during and after the streamed download);
3. reads again with every cache off (TICKET_CACHE=false);
4. writes (create, reply), between two `/healthz` runs of their own. They come
   last so that both read passes see the seeded data, not thousands of bench
   tickets at the head of the queue. Then the notifications worker's fan-out
   of what the writes queued is timed (`measure_fan_out`).

Traffic only ever goes to 127.0.0.1. Every load run is bounded in time.
"""

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PASSWORD = "bench-password-2026"  # seed_bench's default
AGENT = "agent01@bench.example.ac.kr"
REQUESTER = "user00001@bench.example.ac.kr"
HEAVY_EVERY = 1000  # seed_bench gives tickets id % 1000 == 0 fifty comments


@dataclass
class Endpoint:
    name: str
    path: str
    auth: str  # "none", "agent-session", "requester-session", "agent-jwt", …
    method: str = "GET"
    body: str = ""
    random_ids: list[int] = field(default_factory=list)  # "{id}" in path
    read: bool = True


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


# --- Processes and the database ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def utf8_locale() -> str:
    """A UTF-8 locale the server machine has (C.UTF-8 on Debian)."""
    names = subprocess.run(
        ["locale", "-a"], capture_output=True, text=True, check=False
    ).stdout.split()
    for wanted in ("C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"):
        if wanted in names:
            return "C.UTF-8" if wanted.lower() == "c.utf8" else wanted
    utf8 = [name for name in names if name.lower().endswith(("utf-8", "utf8"))]
    if not utf8:
        sys.exit("No UTF-8 locale on this machine: pg_trgm would not index Hangul.")
    return utf8[0]


def admin_conninfo(url: str) -> tuple[str, str]:
    """(conninfo of the server's `postgres` database, the benchmark db name)."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    return admin, name


def recreate_database(url: str) -> str:
    admin, name = admin_conninfo(url)
    locale = utf8_locale()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            f"LC_COLLATE '{locale}' LC_CTYPE '{locale}'"
        )
    return locale


def manage(env: dict, *args: str) -> str:
    completed = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{completed.stderr}")
    return completed.stdout.strip()


class Gunicorn:
    """gunicorn started the Dockerfile's way, on a loopback port."""

    def __init__(self, env: dict, **extra):
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"{HOST}:{self.port}", **extra}
        # Closed (and removed) in __exit__; it outlives this method on purpose.
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-")  # noqa: SIM115
        self.process = None

    def __enter__(self):
        gunicorn = str(Path(PYTHON).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [gunicorn, "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if (
                    urllib.request.urlopen(self.url("/healthz"), timeout=2).status
                    == 200
                ):
                    workers = int(self.env.get("WEB_CONCURRENCY", "2"))
                    if len(self.worker_pids()) >= workers:
                        return self
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        self.log.seek(0)
        sys.exit(f"gunicorn did not start:\n{self.log.read().decode()[-3000:]}")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def worker_pids(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:
                    pids.append(int(stat.parent.name))
        return sorted(pids)

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            kilobytes = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            sizes.append(kilobytes / 1024)
        return sizes


# --- Signing in ----------------------------------------------------------------------


def session_cookie(server: Gunicorn, email: str) -> str:
    """Sign in through the HTML form (with its CSRF token); return the cookies."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(server.url("/accounts/login/")).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(urllib.request.Request(server.url("/accounts/login/"), data=form))
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        sys.exit(f"Could not sign in as {email} through the form.")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def access_token(server: Gunicorn, email: str) -> str:
    request = urllib.request.Request(
        server.url("/api/auth/login"),
        data=json.dumps({"email": email, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    return json.loads(urllib.request.urlopen(request).read())["access"]


def credentials(server: Gunicorn) -> dict[str, dict[str, str]]:
    return {
        "none": {},
        "agent-session": {"Cookie": session_cookie(server, AGENT)},
        "requester-session": {"Cookie": session_cookie(server, REQUESTER)},
        "agent-jwt": {"Authorization": f"Bearer {access_token(server, AGENT)}"},
        "requester-jwt": {"Authorization": f"Bearer {access_token(server, REQUESTER)}"},
    }


# --- Load ------------------------------------------------------------------------------

LUA = """
local headers = %(headers)s
local body = %(body)s
local ids = {%(ids)s}
local method = "%(method)s"
local path = "%(path)s"
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() + (seed or 0) * 7919)
end

function request()
  local target = path
  if #ids > 0 then
    target = string.gsub(path, "{id}", tostring(ids[math.random(#ids)]))
  end
  return wrk.format(method, target, headers, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    "BENCH-RESULT {\\"requests\\": %%d, \\"duration_us\\": %%d, " ..
    "\\"p50_us\\": %%d, \\"p99_us\\": %%d, \\"status_errors\\": %%d, " ..
    "\\"socket_errors\\": %%d}\\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write +
      summary.errors.timeout))
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=True)  # a JSON string is a Lua string


def lua_script(endpoint: Endpoint, headers: dict[str, str]) -> str:
    all_headers = dict(headers)
    if endpoint.body:
        all_headers["Content-Type"] = "application/json"
    table = (
        "{"
        + ", ".join(
            f"[{lua_string(k)}] = {lua_string(v)}" for k, v in all_headers.items()
        )
        + "}"
    )
    return LUA % {
        "headers": table,
        "body": lua_string(endpoint.body) if endpoint.body else "nil",
        "ids": ", ".join(map(str, endpoint.random_ids)),
        "method": endpoint.method,
        "path": endpoint.path,
    }


def run_wrk(server, endpoint, headers, *, seconds, connections) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(lua_script(endpoint, headers))
        script.flush()
        path = endpoint.path.replace("{id}", "0")
        completed = subprocess.run(
            [
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                server.url(path.split("?")[0]),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + 60,
        )
    line = next(
        (ln for ln in completed.stdout.splitlines() if ln.startswith("BENCH-RESULT")),
        None,
    )
    if line is None:
        sys.exit(
            f"wrk failed for {endpoint.name}:\n{completed.stdout}{completed.stderr}"
        )
    data = json.loads(line.split(" ", 1)[1])
    return Result(
        requests_per_second=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        requests=data["requests"],
        errors=data["status_errors"] + data["socket_errors"],
    )


def check_answer(server, endpoint, headers) -> None:
    """One request by hand first: a benchmark of error pages measures nothing."""
    path = endpoint.path.replace("{id}", str((endpoint.random_ids or [0])[0]))
    data = endpoint.body.encode() if endpoint.body else None
    all_headers = dict(headers)
    if data:
        all_headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        server.url(path), data=data, headers=all_headers, method=endpoint.method
    )
    try:
        response = urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        sys.exit(f"{endpoint.name}: {path} answered {error.code}")
    if response.status >= 300:
        sys.exit(f"{endpoint.name}: {path} answered {response.status}")
    return response


def query_counts(server, endpoints, creds) -> dict[str, str]:
    """Queries per request: "n", or "hit–miss" where a cache answers repeats."""
    counts = {}
    for endpoint in endpoints:
        seen = []
        for _ in range(4):
            response = check_answer(server, endpoint, creds[endpoint.auth])
            seen.append(int(response.headers["X-Query-Count"]))
        low, high = min(seen), max(seen)
        counts[endpoint.name] = str(low) if low == high else f"{low}–{high}"
    return counts


# --- The endpoints ---------------------------------------------------------------------


def endpoints_for(url: str) -> list[Endpoint]:
    with psycopg.connect(url) as conn:
        heavy = conn.execute(
            "SELECT ticket_id FROM tickets_comment WHERE ticket_id %% %s = 0 "
            "GROUP BY ticket_id HAVING COUNT(*) = 50 ORDER BY ticket_id LIMIT 1",
            [HEAVY_EVERY],
        ).fetchone()[0]
        open_ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM tickets_ticket WHERE status IN "
                "('new', 'in_progress', 'waiting') ORDER BY updated_at DESC LIMIT 500"
            )
        ]
    reply = json.dumps({"body": "확인했습니다. 오늘 중으로 방문하겠습니다."})
    create = json.dumps(
        {
            "title": "프린터 출력 오류 (bench)",
            "description": "공학관 3층 프린터에서 출력이 되지 않습니다. printer offline.",
            "priority": "medium",
            "category": "printing",
        }
    )
    search = urllib.parse.quote("프로젝터")
    short = urllib.parse.quote("메일")
    return [
        Endpoint("queue (default, 50 a page)", "/queue/", "agent-session"),
        Endpoint(
            "queue, open + search 프로젝터",
            f"/queue/?status=open&q={search}",
            "agent-session",
        ),
        Endpoint(
            "queue, open + search 메일 (2 chars)",
            f"/queue/?status=open&q={short}",
            "agent-session",
        ),
        Endpoint(
            "queue, sorted by resolution due",
            "/queue/?ordering=resolution_due_at",
            "agent-session",
        ),
        Endpoint(
            "queue, tab due soon (warning)",
            "/queue/?sla_state=warning",
            "agent-session",
        ),
        Endpoint("my tickets (requester)", "/tickets/", "requester-session"),
        Endpoint("ticket page, 50 comments", f"/tickets/{heavy}/", "agent-session"),
        Endpoint("reports, this term", "/reports/?period=term", "agent-session"),
        Endpoint("GET /api/tickets", "/api/tickets", "agent-jwt"),
        Endpoint(
            "POST /api/tickets",
            "/api/tickets",
            "requester-jwt",
            method="POST",
            body=create,
            read=False,
        ),
        Endpoint(
            "POST reply",
            "/api/tickets/{id}/comments",
            "agent-jwt",
            method="POST",
            body=reply,
            random_ids=open_ids,
            read=False,
        ),
    ]


HEALTHZ = Endpoint("/healthz", "/healthz", "none")


# --- One size --------------------------------------------------------------------------


def bench_size(tickets: int, args, base_env: dict) -> dict:
    url = args.database_url
    env = {**base_env, "DATABASE_URL": url}
    print(f"\n== {tickets:,} tickets ==", flush=True)
    locale = recreate_database(url)
    if env.get("REDIS_URL"):
        # A fresh database starts again at the same data version, so entries
        # a previous run left under that version must go with it.
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "createcachetable")
    started = time.monotonic()
    seeded = manage(env, "seed_bench", "--tickets", str(tickets))
    seed_seconds = time.monotonic() - started
    print(
        f"database {admin_conninfo(url)[1]} (LC_CTYPE {locale}); {seeded}", flush=True
    )
    # The seed loads rows without service levels, as an upgrade finds them:
    # the backfill computes them from each ticket's history.
    started = time.monotonic()
    recomputed = manage(env, "sla_recompute")
    sla_seconds = time.monotonic() - started
    print(f"sla_recompute: {recomputed} in {sla_seconds:.1f} s", flush=True)
    # The backfill rewrote every ticket row; autovacuum would tidy up after it
    # within a minute or so (and mark the pages all-visible, which the reports'
    # index-only scans need). Do it now, so no pass runs during it.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    endpoints = endpoints_for(url)

    with Gunicorn(env, BENCH_COUNT_QUERIES="true", WEB_CONCURRENCY="1") as server:
        creds = credentials(server)
        queries = query_counts(server, [HEALTHZ, *endpoints], creds)

    # Every read pass sees the seeded data as it is; the writes (which add
    # thousands of tickets and replies at the head of the queue) come last.
    reads = [endpoint for endpoint in endpoints if endpoint.read]
    writes = [endpoint for endpoint in endpoints if not endpoint.read]
    runs = {"cache": {}, "nocache": {}}
    with Gunicorn(env) as server:
        creds = credentials(server)
        for endpoint in endpoints:
            check_answer(server, endpoint, creds[endpoint.auth])
        load = {"seconds": args.duration, "connections": args.connections}
        health = measure_reads(server, reads, creds, load, runs["cache"], echo=True)
        memory = None
        if args.memory_seconds:
            queue = endpoints[0]
            before = server.worker_rss_mb()
            run_wrk(
                server,
                queue,
                creds[queue.auth],
                seconds=args.memory_seconds,
                connections=args.connections,
            )
            memory = (before, server.worker_rss_mb())
        export = measure_export(server, creds["agent-session"])

    if not args.skip_nocache:
        with Gunicorn(env, TICKET_CACHE="false") as server:
            creds = credentials(server)
            nocache_health = measure_reads(server, reads, creds, load, runs["nocache"])
    else:
        nocache_health = []

    with Gunicorn(env) as server:
        creds = credentials(server)
        run_wrk(server, HEALTHZ, {}, seconds=2, connections=args.connections)
        write_health = [run_wrk(server, HEALTHZ, {}, **load)]
        for endpoint in writes:
            print(f"  {endpoint.name} …", flush=True)
            runs["cache"][endpoint.name] = run_wrk(
                server, endpoint, creds[endpoint.auth], **load
            )
        write_health.append(run_wrk(server, HEALTHZ, {}, **load))
    fan_out = measure_fan_out(env)

    return {
        "tickets": tickets,
        "seeded": seeded,
        "seed_seconds": seed_seconds,
        "sla_recompute": (recomputed, sla_seconds),
        "endpoints": endpoints,
        "queries": queries,
        "health": health,
        "runs": runs,
        "nocache_health": nocache_health,
        "write_health": write_health,
        "memory": memory,
        "export": export,
        "fan_out": fan_out,
    }


def measure_reads(server, reads, creds, load, results, *, echo=False) -> list:
    """Warm every worker, then `/healthz`, each read endpoint, `/healthz` again.

    Fills `results` (endpoint name -> Result); returns the two `/healthz` runs.
    """
    # Warm every worker (imports, templates, connections) before measuring.
    for endpoint in [HEALTHZ, *reads]:
        run_wrk(
            server,
            endpoint,
            creds[endpoint.auth],
            seconds=2,
            connections=load["connections"],
        )
    health = [run_wrk(server, HEALTHZ, {}, **load)]
    for endpoint in reads:
        if echo:
            print(f"  {endpoint.name} …", flush=True)
        results[endpoint.name] = run_wrk(server, endpoint, creds[endpoint.auth], **load)
    health.append(run_wrk(server, HEALTHZ, {}, **load))
    return health


EXPORT_PATH = "/queue/export.csv?status=all"


def measure_export(server, headers) -> dict:
    """Download every ticket as CSV once: time, rows, and the workers' memory.

    The answer is streamed, so a worker's RSS should stay flat however many
    rows there are: it is sampled while the download runs (its peak) and
    compared with before.
    """
    before = server.worker_rss_mb()
    peak = list(before)
    request = urllib.request.Request(server.url(EXPORT_PATH), headers=headers)
    started = time.monotonic()
    lines = size = 0
    sampled = started
    with urllib.request.urlopen(request, timeout=600) as response:
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
            size += len(chunk)
            if time.monotonic() - sampled > 0.2:
                sampled = time.monotonic()
                now = server.worker_rss_mb()
                peak = [max(a, b) for a, b in zip(peak, now, strict=False)]
    seconds = time.monotonic() - started
    after = server.worker_rss_mb()
    return {
        "rows": max(lines - 1, 0),  # the header line; no cell holds a newline here
        "megabytes": size / 1e6,
        "seconds": seconds,
        "rss": list(zip(before, peak, after, strict=False)),
    }


FAN_OUT = """
import json, time
from notifications.models import Notification, OutboundEmail, QueuedEvent
from notifications.services import fan_out_backlog
queued = QueuedEvent.objects.count()
before = (Notification.objects.count(), OutboundEmail.objects.count())
started = time.perf_counter()
events = fan_out_backlog(batch_size=100)
seconds = time.perf_counter() - started
print(json.dumps({
    "queued": queued, "events": events, "seconds": seconds,
    "notifications": Notification.objects.count() - before[0],
    "emails": OutboundEmail.objects.count() - before[1],
}))
"""


def measure_fan_out(env: dict) -> dict:
    """The worker's share of the writes: fan out what the write runs queued.

    The web process only queues one event per change; the notifications
    worker writes every recipient's in-app notification and e-mail. Timed
    here in one process, as the worker does it (the e-mails stay queued).
    """
    return json.loads(manage(env, "shell", "-c", FAN_OUT).splitlines()[-1])


def report(result: dict, args) -> str:
    health_rps = statistics.mean(r.requests_per_second for r in result["health"])
    nocache = result["runs"]["nocache"]
    nocache_rps = (
        statistics.mean(r.requests_per_second for r in result["nocache_health"])
        if result["nocache_health"]
        else None
    )
    lines = [
        f"### {result['tickets']:,} tickets",
        "",
        f"{result['seeded']} (`seed_bench` wall time {result['seed_seconds']:.0f} s; "
        f"`sla_recompute`: {result['sla_recompute'][0]} in "
        f"{result['sla_recompute'][1]:.0f} s). "
        f"{args.connections} connections, {args.duration} s per endpoint, "
        f"gunicorn workers: {base_workers()}, shared cache: "
        f"{'Redis' if args.redis_url else 'the database cache table'}.",
        "",
        "| endpoint | req/s | p50 ms | p99 ms | p99/p50 | queries/req | × /healthz "
        "| no cache: req/s | no cache: × /healthz | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    health = result["health"]
    lines.append(
        "| /healthz (before / after) | "
        f"{health[0].requests_per_second:.0f} / {health[1].requests_per_second:.0f} | "
        f"{health[0].p50_ms:.1f} | {health[0].p99_ms:.1f} | "
        f"{health[0].p99_ms / max(health[0].p50_ms, 0.001):.1f} | "
        f"{result['queries']['/healthz']} | 1.00 | "
        + (f"{nocache_rps:.0f} | 1.00 |" if nocache_rps else "– | – |")
        + f" {health[0].errors + health[1].errors} |"
    )
    write_health = result["write_health"]
    write_rps = statistics.mean(r.requests_per_second for r in write_health)
    lines.append(
        "| /healthz, write pass (before / after) | "
        f"{write_health[0].requests_per_second:.0f} / "
        f"{write_health[1].requests_per_second:.0f} | "
        f"{write_health[0].p50_ms:.1f} | {write_health[0].p99_ms:.1f} | "
        f"{write_health[0].p99_ms / max(write_health[0].p50_ms, 0.001):.1f} | "
        f"{result['queries']['/healthz']} | 1.00 | – | – | "
        f"{write_health[0].errors + write_health[1].errors} |"
    )
    for endpoint in result["endpoints"]:
        run = result["runs"]["cache"][endpoint.name]
        off = nocache.get(endpoint.name)
        ratio = run.requests_per_second / (health_rps if endpoint.read else write_rps)
        off_cells = (
            f"{off.requests_per_second:.0f} | "
            f"{off.requests_per_second / nocache_rps:.3f} |"
            if off
            else "– | – |"
        )
        lines.append(
            f"| {endpoint.name} | {run.requests_per_second:.0f} | {run.p50_ms:.1f} | "
            f"{run.p99_ms:.1f} | {run.p99_ms / max(run.p50_ms, 0.001):.1f} | "
            f"{result['queries'][endpoint.name]} | {ratio:.3f} | {off_cells} "
            f"{run.errors + (off.errors if off else 0)} |"
        )
    if result["memory"]:
        before, after = result["memory"]
        lines += [
            "",
            f"Worker RSS before / after {args.memory_seconds} s on the queue page: "
            + ", ".join(
                f"{b:.1f} → {a:.1f} MB" for b, a in zip(before, after, strict=False)
            )
            + ".",
        ]
    export = result.get("export")
    if export:
        lines += [
            "",
            f"CSV export `GET {EXPORT_PATH}`: {export['rows']:,} rows, "
            f"{export['megabytes']:.1f} MB in {export['seconds']:.1f} s; worker RSS "
            "before / peak during / after: "
            + ", ".join(f"{b:.1f} / {p:.1f} / {a:.1f} MB" for b, p, a in export["rss"])
            + ".",
        ]
    fan_out = result.get("fan_out")
    if fan_out and fan_out["events"]:
        lines += [
            "",
            f"Notifications: the write runs queued {fan_out['queued']:,} events; "
            f"the worker's fan-out turned {fan_out['events']:,} of them into "
            f"{fan_out['notifications']:,} in-app notifications and "
            f"{fan_out['emails']:,} queued e-mails in {fan_out['seconds']:.1f} s "
            f"({fan_out['events'] / fan_out['seconds']:.0f} events/s, one process).",
        ]
    return "\n".join(lines)


def base_workers() -> str:
    return os.environ.get("WEB_CONCURRENCY", "2")


def machine() -> str:
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    cpu = re.search(r"model name\s+:\s+(.+)", Path("/proc/cpuinfo").read_text())
    return (
        f"{os.cpu_count()} CPUs ({cpu.group(1) if cpu else 'unknown'}), "
        f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB RAM"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--tickets",
        default="10000,100000",
        help="comma-separated sizes, e.g. 10000,100000,1000000",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--memory-seconds", type=int, default=60)
    parser.add_argument("--skip-nocache", action="store_true")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk_bench"
        ),
    )
    parser.add_argument("--output", help="also append the tables to this file")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", ""),
        help="serve with this Redis as the shared cache (sessions, fragments); "
        "its database is emptied before each size",
    )
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.database_url).hostname not in {
        "127.0.0.1",
        "localhost",
    }:
        sys.exit("The benchmark database must be on this machine (127.0.0.1).")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run bench/run.sh, which installs it.")

    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings.production",
        "SECRET_KEY": "bench-" + os.urandom(24).hex(),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "JWT_EXPIRES_MIN": "120",
        # Production sends e-mail from the worker; the web process only queues it.
        "NOTIFICATIONS_SEND_INLINE": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    base_env.pop("BENCH_COUNT_QUERIES", None)
    base_env["REDIS_URL"] = args.redis_url
    base_env.pop("TICKET_CACHE", None)
    manage(
        base_env | {"DATABASE_URL": args.database_url},
        "collectstatic",
        "--noinput",
        "-v",
        "0",
    )

    with psycopg.connect(admin_conninfo(args.database_url)[0]) as conn:
        server_version = conn.execute("SHOW server_version").fetchone()[0]
    header = (
        f"Run {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {machine()}, "
        f"PostgreSQL {server_version}, Python {sys.version.split()[0]}.\n"
        f"Command: bench/run.sh {' '.join(sys.argv[1:])}"
    )
    print(header, flush=True)
    tables = []
    for size in [int(value) for value in args.tickets.split(",") if value]:
        tables.append(report(bench_size(size, args, base_env), args))
        print("\n" + tables[-1], flush=True)
    if args.output:
        with open(args.output, "a", encoding="utf-8") as out:
            out.write(header + "\n\n" + "\n\n".join(tables) + "\n")


if __name__ == "__main__":
    main()
