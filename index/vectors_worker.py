"""The background vectors run, as its own process: `python -m index.vectors_worker --index-dir DIR`.

Started by the service's keeper (index/vectors_keeper.py) at a low CPU
priority. A process of its own, not a thread of the server: embedding holds the
GIL between batches and the model takes a few hundred MB, which the serving
processes should not carry.

SIGTERM (the service stopping) and SIGINT stop it as Ctrl-C stops `bantin
index vectors`: the batch being embedded is dropped, what was computed is
saved, and the next run goes on from there. A worker whose parent disappears
stops the same way, so none is left computing for a service that is gone.

Exit status: 0 done or stopped, 1 failed, 3 another process already computes the vectors.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
import traceback

from index.build import INDEXING_NICE, lower_priority
from index.vectors import VectorsBusy, fill
from search.storage.generations import IndexMissing, IndexStore

BUSY = 3


def _stop(signum: int, _frame: object) -> None:
    # Once: a second signal must not interrupt the saving of what was computed.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _follow_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.vectors_worker")
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--nice", type=int, default=INDEXING_NICE)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    threading.Thread(target=_follow_parent, args=(os.getppid(),), name="bantin-parent-watch", daemon=True).start()
    lower_priority(args.nice)
    try:
        report = fill(IndexStore(args.index_dir))
    except VectorsBusy:
        return BUSY
    except KeyboardInterrupt:
        print("vector ngữ nghĩa: đã dừng; lần sau chạy tiếp", file=sys.stderr)
        return 0
    except IndexMissing as exc:
        print(f"vector ngữ nghĩa: {exc}", file=sys.stderr)
        return 1
    except Exception:  # noqa: BLE001 (the state file says it failed; the trace is for the log)
        traceback.print_exc()
        return 1
    print(
        f"vector ngữ nghĩa của {report.generation}: {report.embedded} bài vừa tính, {report.reused} bài dùng lại",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
