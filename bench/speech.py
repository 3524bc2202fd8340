"""Offline speech figures on real articles: time to first audio, synthesis speed, MP3 size.

    python -m bench.speech [--corpus DIR] [--articles N] [--seed S]

Articles are drawn at random (seeded) from ../shared/corpus; each is uncached
(a fresh cache directory per run) and synthesized with the offline voice alone
(espeak-ng), one at a time, through the same AudioService the site uses.

- time_to_first_audio: from asking for the article to holding MP3 bytes that
  decode to speech (a sample above -30 dBFS), reading `job.stream()` as the
  web layer streams it. Normalization, script and cache lookups included.
- time_to_first_audio while two other articles are being synthesized, as when
  a second reader or `bantin audio warm` shares the machine.
- baseline_whole_then_serve: the same article made the straightforward way,
  whole text in one espeak-ng call, encoded whole, then served: its first
  audio is when it is done. Measured in the same run.
- realtime_factor: seconds of audio per second of synthesis (whole article,
  wall clock), and per CPU second (this process and espeak-ng together).
- mb_per_minute: MP3 bytes per minute of audio.

Prints JSON lines per phase and a summary; exits cleanly (status 0, a JSON
note) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import array
import json
import os
import random
import resource
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from search.article import Article
from speech.cache import AudioCache
from speech.espeak import EspeakEngine
from speech.mp3 import Mp3Encoder
from speech.normalize import normalize
from speech.pcm import mp3_to_pcm, wav_to_pcm
from speech.script import blocks
from speech.service import AudioService
from speech.synthesis import AudioJob

REPO = Path(__file__).resolve().parents[1]
AUDIBLE = 1000  # -30 dBFS in 16-bit samples: speech, not encoder noise
TARGETS = {"time_to_first_audio_p95_ms": 1000, "realtime_factor_min": 50, "mb_per_minute_max": 0.5}


def load_articles(corpus: Path, count: int, seed: int) -> list[Article]:
    records = []
    for path in sorted(corpus.glob("*.jsonl")):
        with open(path, encoding="utf-8") as lines:
            records.extend(json.loads(line) for line in lines if line.strip())
    chosen = random.Random(seed).sample(records, min(count, len(records)))
    return [Article(id=r["id"], title=r.get("title") or "", body=tuple((r.get("body") or "").split("\n"))) for r in chosen]


def percentiles(samples: list[float], digits: int = 1) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: round(ordered[round(q * (len(ordered) - 1))], digits)  # noqa: E731
    return {"p50": pick(0.5), "p95": pick(0.95), "max": pick(1.0), "min": pick(0.0)}


def first_audible(arrivals: list[tuple[float, bytes]]) -> float:
    """When the listener first holds bytes that decode to audible speech."""
    received = b""
    for at, chunk in arrivals:
        received += chunk
        try:
            samples = array.array("h", mp3_to_pcm(received))
        except ValueError:
            continue
        if any(abs(s) > AUDIBLE for s in samples):
            return at
    raise RuntimeError("no audible audio in the stream")


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (espeak-ng): unlike wall
    time, not inflated by whatever else the machine is running."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def fast_start(service: AudioService, article: Article) -> dict[str, float]:
    cpu = cpu_seconds()
    started = time.perf_counter()
    job = service.start(article)
    assert isinstance(job, AudioJob), "the article was already cached"
    arrivals = [(time.perf_counter() - started, chunk) for chunk in job.stream()]
    done = time.perf_counter() - started
    entry = job.result()
    cpu = cpu_seconds() - cpu
    return {
        "first_audio_ms": first_audible(arrivals) * 1000,
        "first_byte_ms": arrivals[0][0] * 1000,
        "whole_ms": done * 1000,
        "cpu_s": cpu,
        "audio_s": entry.duration,
        "bytes": entry.size,
    }


def whole_then_serve(article: Article, engine: EspeakEngine) -> float:
    """The naive way: one espeak-ng call for the whole text, one encode; ms until servable."""
    started = time.perf_counter()
    text = "\n".join(normalize(text) for _, _, text in blocks(article))
    command = ["espeak-ng", "-v", engine.voice, "-s", str(engine.speed), "-b", "1", "--stdin", "--stdout"]
    wav = subprocess.run(command, input=text.encode(), capture_output=True, check=True).stdout
    encoder = Mp3Encoder()
    mp3 = encoder.encode(wav_to_pcm(wav)) + encoder.flush()
    assert mp3
    return (time.perf_counter() - started) * 1000


def first_audio_while_busy(articles: list[Article], others: list[Article], engine: EspeakEngine) -> list[float]:
    """Time to first audio while two other articles are always being synthesized (a
    second reader and `bantin audio warm`, say) on the same two cores."""
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as audio_dir:
        service = AudioService(AudioCache(audio_dir, 10**10), [engine])

        def keep_busy(queue: list[Article]) -> None:
            for other in queue:
                if stop.is_set():
                    return
                service.get(other)

        busy = [threading.Thread(target=keep_busy, args=(others[n::2],)) for n in range(2)]
        for thread in busy:
            thread.start()
        time.sleep(0.2)
        firsts = [fast_start(service, article)["first_audio_ms"] for article in articles]
        stop.set()
        for thread in busy:
            thread.join()
        service.close()
    return firsts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if not sorted(args.corpus.glob("*.jsonl")):
        print(json.dumps({"skipped": f"no corpus at {args.corpus}"}))
        return
    drawn = load_articles(args.corpus, args.articles * 3, args.seed)
    articles, busy_articles, others = drawn[: args.articles], drawn[args.articles :: 2], drawn[args.articles + 1 :: 2]
    load_before = round(os.getloadavg()[0], 2)  # wall-clock figures mean little on a busy machine
    engine = EspeakEngine()
    engine.voice_id()  # espeak-ng's version is asked once per process, not per article
    rows, naive = [], []
    with tempfile.TemporaryDirectory() as audio_dir:
        service = AudioService(AudioCache(audio_dir, 10**10), [engine])
        for article in articles:
            rows.append(fast_start(service, article))
            naive.append(whole_then_serve(article, engine))
        service.close()
    busy = first_audio_while_busy(busy_articles, others, engine)
    audio_minutes = sum(r["audio_s"] for r in rows) / 60
    summary = {
        "articles": len(rows),
        "chars_per_article": percentiles([float(sum(len(t) for _, _, t in blocks(a))) for a in articles], 0),
        "audio_seconds_per_article": percentiles([r["audio_s"] for r in rows]),
        "time_to_first_audio_ms": percentiles([r["first_audio_ms"] for r in rows]),
        "time_to_first_byte_ms": percentiles([r["first_byte_ms"] for r in rows]),
        "time_to_first_audio_ms_while_two_others_synthesize": percentiles(busy),
        "baseline_whole_then_serve_ms": percentiles(naive),
        "whole_article_ms": percentiles([r["whole_ms"] for r in rows]),
        "realtime_factor": percentiles([r["audio_s"] / (r["whole_ms"] / 1000) for r in rows]),
        "realtime_factor_per_cpu_second": percentiles([r["audio_s"] / r["cpu_s"] for r in rows]),
        "mb_per_minute": percentiles([r["bytes"] / 2**20 / (r["audio_s"] / 60) for r in rows], 3),
        "total_audio_minutes": round(audio_minutes, 1),
    }
    summary["load_average_1min"] = {"before": load_before, "after": round(os.getloadavg()[0], 2)}
    summary["targets"] = TARGETS
    summary["met"] = {
        "time_to_first_audio_p95_ms": summary["time_to_first_audio_ms"]["p95"] <= TARGETS["time_to_first_audio_p95_ms"],
        "realtime_factor_min": summary["realtime_factor"]["min"] >= TARGETS["realtime_factor_min"],
        "mb_per_minute_max": summary["mb_per_minute"]["max"] <= TARGETS["mb_per_minute_max"],
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
