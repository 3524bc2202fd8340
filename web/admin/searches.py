"""What citizens searched for, for the staff: a day's or a week's most frequent queries,
those that found nothing (each with a form to add the synonym that would find it),
the suggestions followed, and the same as CSV.

The routes are the admin blueprint's, so its sign-in guard covers them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Response, render_template, request, url_for

from web.admin.views import blueprint
from web.plumbing.search_stats import StatsUnavailable, counter, csv_text

PERIODS = {"ngay": "Ngày", "tuan": "Tuần"}
SHOWN = 50


@dataclass(frozen=True)
class Period:
    """The days a page shows: one day, or the Monday-to-Sunday week holding it."""

    kind: str
    day: dt.date

    @property
    def first(self) -> dt.date:
        return self.day - dt.timedelta(days=self.day.weekday()) if self.kind == "tuan" else self.day

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(days=6) if self.kind == "tuan" else self.day

    def moved(self, steps: int) -> Period:
        return Period(self.kind, self.day + dt.timedelta(days=steps * (7 if self.kind == "tuan" else 1)))

    def args(self) -> dict[str, str]:
        return {"ky": self.kind, "ngay": self.day.isoformat()}

    @property
    def label(self) -> str:
        if self.kind == "tuan":
            return f"tuần {self.first:%d/%m} – {self.last:%d/%m/%Y}"
        return f"ngày {self.day:%d/%m/%Y}"


def _period() -> tuple[Period, str | None]:
    """The period asked for, or today's with a message saying why the one asked cannot be read."""
    kind = request.args.get("ky", "ngay")
    text = request.args.get("ngay", "")
    error = None
    if kind not in PERIODS:
        kind, error = "ngay", "Kỳ xem không hợp lệ; đang xem theo ngày."
    try:
        day = dt.date.fromisoformat(text) if text else dt.date.today()
    except ValueError:
        day, error = dt.date.today(), f"Ngày “{text[:20]}” không hợp lệ (cần dạng năm-tháng-ngày); đang xem hôm nay."
    return Period(kind, day), error


@blueprint.get("/tim-kiem")
def search_statistics():
    period, error = _period()
    stats = counter()
    report, unavailable = None, None
    if stats is not None:
        try:
            report = stats.report(period.first, period.last, SHOWN)
        except StatsUnavailable as exc:
            unavailable = str(exc)
    return render_template(
        "admin/searches.html",
        period=period,
        periods=PERIODS,
        report=report,
        counting=stats is not None,
        error=error,
        unavailable=unavailable,
        earlier=url_for("admin.search_statistics", **period.moved(-1).args()),
        later=url_for("admin.search_statistics", **period.moved(1).args()) if period.last < dt.date.today() else None,
        csv_url=url_for("admin.search_statistics_csv", **period.args()),
        here=url_for("admin.search_statistics", **period.args()),
    )


@blueprint.get("/tim-kiem.csv")
def search_statistics_csv():
    period, _ = _period()
    stats = counter()
    try:
        body = csv_text(stats.days(period.first, period.last) if stats else iter(()))
    except StatsUnavailable as exc:
        return Response(f"{exc}\n", status=503, mimetype="text/plain")
    name = f"tim-kiem-{period.kind}-{period.first.isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
