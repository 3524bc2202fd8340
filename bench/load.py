"""Load: `bantin serve` under N concurrent clients while `bantin index update` switches generations.

    python -m bench.load [--index-dir DIR] [--corpus DIR] [--eval DIR] [--clients 16]
                         [--workers 2] [--threads 8] [--duration 60] [--think-ms 0] [--update-articles 300]

Starts `bantin serve` (waitress) as a subprocess on the corpus index (built with
`bantin index build CORPUS --index-dir DIR --jobs 2` if DIR holds none), with
rate limits off, and runs two phases of the same load, one after the other:

  - "baseline": N clients for --duration seconds, nothing else running;
  - "with_update": the same, while `bantin index update` writes a few hundred
    modified corpus articles into a new generation and switches to it.

Each client is a thread with its own keep-alive requests.Session that asks, waits
for the answer, optionally "reads" for an exponential think time, and asks again
(a closed loop: one person per client). It mixes the search page, the search API,
article pages, and the article audio (a Range request for the first 64 KB of the
MP3 of one of a few popular articles, warmed first, as a player asks) when the
server has the audio routes; without them the audio share is skipped and said so.

Prints JSON: requests/s and p50/p95/p99 per endpoint per phase, errors (any
answer that is not 2xx/3xx, 429 counted apart, and any failed connection), the
ratio of the update phase to the baseline, what happened around the generation
switch (the moment CURRENT was replaced), the machine's load average and the CPU
the server and the clients used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psutil
import requests

from search.storage.generations import POINTER, IndexMissing, IndexStore

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BANTIN = str(Path(sys.executable).with_name("bantin"))
QUERY_FILES = ("queries_short", "queries_short_nodiacritics", "queries")
DEFAULT_MIX = "search_page=35,search_api=25,article=30,audio=10"
AUDIO_RANGE = "bytes=0-65535"
TIMEOUT_S = 30
SWITCH_WINDOW_S = 5.0


@dataclass
class Sample:
    kind: str
    start: float  # wall clock (time.time), to compare with CURRENT's mtime
    end: float
    status: int  # 0: no answer
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.status == 0 or (self.status >= 400 and self.status != 429)


@dataclass
class Phase:
    name: str
    samples: list[Sample] = field(default_factory=list)
    load: list[float] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0


def percentile(ordered: list[float], q: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1) if ordered else 0.0


def summarize(samples: list[Sample], seconds: float) -> dict:
    times = sorted(s.end - s.start for s in samples)
    return {
        "requests": len(samples),
        "rps": round(len(samples) / seconds, 1) if seconds else 0.0,
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
        "max_ms": percentile(times, 1.0),
        "errors": sum(s.failed for s in samples),
        "limited_429": sum(s.status == 429 for s in samples),
    }


# --- what the clients ask --------------------------------------------------------


def read_queries(eval_dir: Path) -> list[str]:
    queries = []
    for name in QUERY_FILES:
        path = eval_dir / f"{name}.jsonl"
        if path.exists():
            queries += [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    if not queries:
        raise SystemExit(f"no queries in {eval_dir}")
    return queries


def parse_mix(text: str) -> dict[str, int]:
    mix = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        mix[name.strip()] = int(weight)
    unknown = set(mix) - {"search_page", "search_api", "article", "audio"}
    if unknown:
        raise SystemExit(f"unknown request kinds in --mix: {sorted(unknown)}")
    return mix


class Workload:
    """The requests of one client, drawn from the same seeded mix for every run."""

    def __init__(self, queries: list[str], articles: list[str], audio: list[str], mix: dict[str, int]) -> None:
        self.queries, self.articles, self.audio = queries, articles, audio
        self.kinds = [k for k in mix if mix[k] > 0 and (k != "audio" or audio)]
        self.weights = [mix[k] for k in self.kinds]

    def next(self, rng: random.Random) -> tuple[str, str, dict[str, str]]:
        kind = rng.choices(self.kinds, self.weights)[0]
        if kind == "search_page":
            return kind, f"/search?q={quote(rng.choice(self.queries))}", {}
        if kind == "search_api":
            return kind, f"/api/search?q={quote(rng.choice(self.queries))}", {}
        if kind == "article":
            return kind, f"/articles/{rng.choice(self.articles)}", {}
        return kind, f"/articles/{rng.choice(self.audio)}/audio.mp3", {"Range": AUDIO_RANGE}


def client_loop(
    base: str, workload: Workload, seed: int, think_s: float, stop: threading.Event, out: list[Sample]
) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    while not stop.is_set():
        kind, path, headers = workload.next(rng)
        start = time.time()
        try:
            response = session.get(base + path, headers=headers, timeout=TIMEOUT_S)
            response.content  # the whole body, as a browser would read it
            out.append(Sample(kind, start, time.time(), response.status_code))
        except requests.RequestException as exc:
            out.append(Sample(kind, start, time.time(), 0, type(exc).__name__))
        if think_s:
            stop.wait(rng.expovariate(1 / think_s))
    session.close()


# --- the server and the update ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_index(index_dir: Path, corpus: Path) -> IndexStore:
    store = IndexStore(index_dir)
    try:
        store.current()
    except IndexMissing:
        print(f"building the corpus index in {index_dir} (several minutes) ...", file=sys.stderr)
        subprocess.run(
            [BANTIN, "index", "build", str(corpus), "--index-dir", str(index_dir), "--jobs", "2"], check=True
        )
    return store


def start_server(
    index_dir: Path, workers: int, threads: int, data_dir: Path, log_path: Path
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    # Article vectors computed in the background would share the cores with the load measured.
    env = dict(
        os.environ,
        BANTIN_DATA_DIR=str(data_dir),
        BANTIN_RATELIMIT_ENABLED="false",
        BANTIN_VECTORS_IN_BACKGROUND="false",
    )
    log = open(log_path, "wb")
    server = subprocess.Popen(
        [
            BANTIN,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--index-dir",
            str(index_dir),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bantin serve exited with {server.returncode}; see {log_path}")
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                return server, base
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("bantin serve did not answer within 10 minutes")


def write_update(corpus: Path, count: int, path: Path, seed: int) -> int:
    """`count` corpus articles with a changed body, so an update must rewrite them."""
    records = []
    for source in sorted(corpus.glob("*.jsonl")):
        with open(source, encoding="utf-8") as handle:
            records += [line for line in handle if line.strip()]
    rng = random.Random(seed)
    stamp = time.strftime("%H:%M:%S %d/%m/%Y")
    with open(path, "w", encoding="utf-8") as out:
        for line in rng.sample(records, count):
            record = json.loads(line)
            record["body"] = f"{record.get('body', '')}\nBài được cập nhật lúc {stamp}."
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return count


def audio_available(base: str, article: str) -> tuple[bool, str]:
    try:
        response = requests.get(f"{base}/articles/{article}/audio.mp3", headers={"Range": "bytes=0-1"}, timeout=120)
    except requests.RequestException as exc:
        return False, f"audio probe failed: {type(exc).__name__}"
    if response.status_code in (200, 206):
        return True, "included"
    status = response.status_code
    return False, f"skipped: GET /articles/<id>/audio.mp3 answers {status} (the audio routes are not in this build)"


def warm_audio(base: str, articles: list[str]) -> float:
    started = time.monotonic()
    for article in articles:
        requests.get(f"{base}/articles/{article}/audio.mp3", timeout=300).content
    return round(time.monotonic() - started, 1)


# --- phases ----------------------------------------------------------------------------


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def tree_cpu(server: psutil.Process) -> float:
    """CPU seconds of `bantin serve` and its worker processes."""
    total = _cpu(server)
    for child in server.children(recursive=True):
        try:
            total += _cpu(child)
        except psutil.Error:
            pass
    return total


def run_phase(
    name: str, base: str, workload: Workload, args, server: psutil.Process, during=None
) -> tuple[Phase, dict]:
    phase = Phase(name)
    stop = threading.Event()
    per_client: list[list[Sample]] = [[] for _ in range(args.clients)]
    threads = [
        threading.Thread(
            target=client_loop, args=(base, workload, args.seed * 1000 + i, args.think_ms / 1000, stop, per_client[i])
        )
        for i in range(args.clients)
    ]
    server_cpu, client_cpu = tree_cpu(server), _cpu(psutil.Process())
    phase.started = time.time()
    for thread in threads:
        thread.start()
    extra: dict = {}
    worker = threading.Thread(target=during, args=(phase, extra), daemon=True) if during else None
    if worker:
        worker.start()
    deadline = time.monotonic() + args.duration
    # The update phase lasts until the update is over and the new generation has
    # served for a while, however slow the update was on a busy machine.
    while time.monotonic() < deadline or (
        worker and (worker.is_alive() or time.monotonic() < extra["done_at"] + SWITCH_WINDOW_S * 2)
    ):
        phase.load.append(os.getloadavg()[0])
        time.sleep(max(0.05, min(1.0, deadline - time.monotonic())))
    stop.set()
    for thread in threads:
        thread.join()
    phase.ended = time.time()
    if worker:
        worker.join()
    seconds = phase.ended - phase.started
    phase.samples = sorted((s for samples in per_client for s in samples), key=lambda s: s.start)
    server_after, client_after = tree_cpu(server), _cpu(psutil.Process())
    used = lambda a, b: round((b - a) / seconds, 2)  # noqa: E731
    kinds = sorted({s.kind for s in phase.samples})
    searches = [s for s in phase.samples if s.kind.startswith("search")]
    report = {
        "seconds": round(seconds, 1),
        "all": summarize(phase.samples, seconds),
        "search": summarize(searches, seconds),
        "endpoints": {kind: summarize([s for s in phase.samples if s.kind == kind], seconds) for kind in kinds},
        "load_average_1m": {"mean": round(sum(phase.load) / len(phase.load), 2), "max": round(max(phase.load), 2)},
        "server_cpu_cores": used(server_cpu, server_after),
        "client_cpu_cores": used(client_cpu, client_after),
        "error_samples": [f"{s.kind} {s.status} {s.error}".strip() for s in phase.samples if s.failed][:5],
    }
    report.update((key, value) for key, value in extra.items() if key != "done_at")
    return phase, report


def switch_report(phase: Phase, switch_at: float | None) -> dict:
    if switch_at is None:
        return {"happened": False}
    spanning = [s for s in phase.samples if s.start <= switch_at <= s.end]
    after = [s for s in phase.samples if switch_at <= s.start <= switch_at + SWITCH_WINDOW_S]
    around = [
        s for s in phase.samples if switch_at - SWITCH_WINDOW_S <= s.end and s.start <= switch_at + SWITCH_WINDOW_S
    ]
    return {
        "happened": True,
        "at_s": round(switch_at - phase.started, 2),
        "requests_in_flight_at_switch": len(spanning),
        "failed_in_flight": sum(s.failed for s in spanning),
        f"requests_within_{SWITCH_WINDOW_S:g}s": len(around),
        f"failed_within_{SWITCH_WINDOW_S:g}s": sum(s.failed for s in around),
        f"search_in_first_{SWITCH_WINDOW_S:g}s_after": summarize(
            [s for s in after if s.kind.startswith("search")], SWITCH_WINDOW_S
        ),
    }


def ratio(update: dict, base: dict) -> dict:
    def one(a: float, b: float) -> float | None:
        return round(a / b, 2) if b else None

    out = {"rps": one(update["all"]["rps"], base["all"]["rps"])}
    for name in ["search", *update["endpoints"]]:
        u = update["search"] if name == "search" else update["endpoints"][name]
        b = base["search"] if name == "search" else base["endpoints"].get(name)
        if b:
            out[name] = {key: one(u[key], b[key]) for key in ("p50_ms", "p95_ms", "p99_ms")}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=Path(tempfile.gettempdir()) / "load-corpus-index")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--eval", type=Path, default=SHARED / "eval" / "news_title_known_item")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes of `bantin serve`")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per process")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of unmeasured load first")
    parser.add_argument("--think-ms", type=float, default=0.0, help="mean pause of a client between requests")
    parser.add_argument("--update-articles", type=int, default=300)
    parser.add_argument("--update-at", type=float, default=10.0, help="seconds into the update phase")
    parser.add_argument("--mix", default=DEFAULT_MIX)
    parser.add_argument("--audio-pool", type=int, default=8, help="popular articles whose audio is asked for")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not any(args.corpus.glob("*.jsonl")):
        raise SystemExit(f"no corpus at {args.corpus}")

    store = ensure_index(args.index_dir, args.corpus)
    work = Path(tempfile.mkdtemp(prefix="bantin-load-"))
    update_file = work / "updated-articles.jsonl"
    write_update(args.corpus, args.update_articles, update_file, args.seed + int(time.time()))
    rng = random.Random(args.seed)
    articles = rng.sample(sorted(store.current().manifest()), 2000)
    generation_before = store.current().name

    out: dict = {
        "setup": {
            "index_dir": str(args.index_dir),
            "articles": store.current().meta()["articles"],
            "clients": args.clients,
            "server_workers": args.workers,
            "server_threads": args.threads,
            "think_ms": args.think_ms,
            "phase_seconds": args.duration,
            "mix": parse_mix(args.mix),
            "cores": psutil.cpu_count(),
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
        }
    }
    server_process, base = start_server(args.index_dir, args.workers, args.threads, work / "instance", work / "serve.log")
    try:
        server = psutil.Process(server_process.pid)
        audio, note = audio_available(base, articles[0])
        pool = articles[: args.audio_pool] if audio else []
        out["audio"] = note
        if pool:
            out["audio_warm_s"] = warm_audio(base, pool)
        workload = Workload(read_queries(args.eval), articles, pool, parse_mix(args.mix))
        if args.warmup:
            run_phase("warmup", base, workload, argparse.Namespace(**{**vars(args), "duration": args.warmup}), server)
        if not args.no_baseline:
            _, out["baseline"] = run_phase("baseline", base, workload, args, server)

        def update_during(phase: Phase, extra: dict) -> None:
            time.sleep(args.update_at)
            started = time.time()
            done = subprocess.run(
                [BANTIN, "index", "update", str(update_file), "--index-dir", str(args.index_dir)],
                capture_output=True,
                text=True,
            )
            extra["done_at"] = time.monotonic()
            extra["update"] = {
                "articles": args.update_articles,
                "started_at_s": round(started - phase.started, 2),
                "elapsed_s": round(time.time() - started, 1),
                "exit_code": done.returncode,
                "output": (done.stdout + done.stderr).strip().splitlines()[-3:],
            }

        phase, out["with_update"] = run_phase("with_update", base, workload, args, server, during=update_during)
        generation_after = store.current().name
        switch_at = (args.index_dir / POINTER).stat().st_mtime if generation_after != generation_before else None
        out["with_update"]["switch"] = switch_report(phase, switch_at)
        out["with_update"]["switch"].update(generation_before=generation_before, generation_after=generation_after)
        health = requests.get(base + "/healthz", timeout=10).json()
        out["with_update"]["switch"]["server_serves"] = health.get("generation")
        if "baseline" in out:
            out["with_update_vs_baseline"] = ratio(out["with_update"], out["baseline"])
    finally:
        server_process.terminate()
        server_process.wait(timeout=30)
    measured = out["with_update"]
    out["targets"] = {
        "zero_errors": measured["all"]["errors"] == 0
        and out.get("baseline", {"all": {"errors": 0}})["all"]["errors"] == 0,
        "search_p99_at_most_300ms": measured["search"]["p99_ms"] <= 300,
        "switch_without_failure": measured["switch"].get("happened", False)
        and measured["switch"]["failed_in_flight"] == 0
        and measured["switch"][f"failed_within_{SWITCH_WINDOW_S:g}s"] == 0
        and measured["switch"]["server_serves"] == measured["switch"]["generation_after"],
    }
    out["setup"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
