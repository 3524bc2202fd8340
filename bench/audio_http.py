"""Article audio over HTTP, as a browser gets it from `bantin serve` (waitress), offline voice.

    python -m bench.audio_http [--index-dir DIR] [--articles N]

Without --index-dir it builds an index of the bundled samples (index/samples) in
a tmp folder. The audio cache is always a fresh tmp folder, so every article is
uncached on its first request. The N newest articles are asked for, one at a time.

- first_byte_ms: request sent -> first MP3 byte received, for an article never
  synthesized (the stream). Baseline in the same run: whole_file_ms, when the
  whole MP3 has arrived, i.e. the first audio a server that makes the file
  before sending it could give.
- cached_first_byte_ms: the same request once the file is cached.
- range_ms: a `Range: bytes=100000-199999` request on the cached file.
- podcast_ms: /podcast.xml with no audio ready, and once the N newest articles
  (those asked for) have theirs.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import time
from pathlib import Path

from index.build import build
from search.storage.generations import IndexStore
from web import create_app
from web.serving.local_server import serving

REPO = Path(__file__).resolve().parents[1]


def timed_get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[float, float, int, int]:
    """(seconds to the first body byte, seconds to the last, status, bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    first = response.read(1)
    first_at = time.perf_counter() - started
    rest = response.read()
    done_at = time.perf_counter() - started
    conn.close()
    return first_at, done_at, response.status, len(first) + len(rest)


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50": round(statistics.median(ordered) * 1000, 1),
        "p95": round(p95 * 1000, 1),
        "max": round(ordered[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", help="an existing index (default: the samples, indexed now)")
    parser.add_argument("--articles", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bantin-bench-audio-") as tmp:
        index_dir = args.index_dir
        if index_dir is None:
            store = IndexStore(Path(tmp) / "index")
            build([str(REPO / "index" / "samples")], store, jobs=1)
            index_dir = str(store.root)
        app = create_app({"INDEX_DIR": index_dir, "AUDIO_DIR": str(Path(tmp) / "audio"), "TTS_ENGINES": "espeak"})
        ids = [article.id for article in app.extensions["bantin.engine"].latest(args.articles)]
        with serving(app) as url:
            port = int(url.rsplit(":", 1)[1])
            podcast_empty = [timed_get(port, "/podcast.xml")[1] for _ in range(5)]
            first, whole, cached, ranged, sizes = [], [], [], [], []
            for article_id in ids:
                path = f"/articles/{article_id}/audio.mp3"
                first_at, done_at, status, size = timed_get(port, path)
                if status != 200:
                    continue
                first.append(first_at)
                whole.append(done_at)
                sizes.append(size)
                cached.append(timed_get(port, path)[0])
                ranged.append(timed_get(port, path, {"Range": "bytes=100000-199999"})[1])
            podcast_ready = [timed_get(port, "/podcast.xml")[1] for _ in range(5)]
            time.sleep(0.2)  # waitress's last task ends after its reply: let it, before closing
    print(
        json.dumps(
            {
                "articles": len(first),
                "mean_mp3_bytes": round(statistics.mean(sizes)) if sizes else 0,
                "first_byte_ms": summary(first),
                "baseline_whole_file_ms": summary(whole),
                "cached_first_byte_ms": summary(cached),
                "range_ms": summary(ranged),
                "podcast_ms": {"none_ready": summary(podcast_empty), "newest_ready": summary(podcast_ready)},
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
