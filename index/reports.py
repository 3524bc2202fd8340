"""The last build or update's report, kept beside the generations for staff to read later.

A generation's meta.json already holds the report that made it, but an update
that changed nothing makes no generation, and staff still need to see what it
skipped and why: so every finished run (from the CLI or the admin job) leaves
its report in <index dir>/last-report.json, replaced atomically.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from index.build import BuildReport
from search.durable import replace_atomically
from search.storage.generations import IndexMissing, IndexStore

LAST_REPORT = "last-report.json"


def save_last_report(store: IndexStore, report: BuildReport) -> None:
    data = report.to_dict()
    data["finished_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    store.root.mkdir(parents=True, exist_ok=True)
    replace_atomically(store.root / LAST_REPORT, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def load_last_report(store: IndexStore) -> dict[str, Any] | None:
    """The last saved report, else the report in the live generation's meta, else None."""
    try:
        return json.loads((store.root / LAST_REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    try:
        meta = store.current().meta()
    except (IndexMissing, OSError, ValueError):  # no index yet: no report to show
        return None
    report = meta.get("report")
    if isinstance(report, dict):
        return dict(report, finished_at=meta.get("built_at"))
    return None
