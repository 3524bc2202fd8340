"""`bantin index ...`: the staff's commands for building and inspecting the index."""

from __future__ import annotations

import json
import sys

import click

from index.build import (
    INDEXING_NICE,
    BuilderBusy,
    BuildFailed,
    BuildReport,
    build,
    lower_priority,
    update,
)
from index.crawl.settings import CrawlSettings
from search.progress import for_stream
from index.publish import Vectors, fill_vectors, publish
from index import vectors_state
from search import meaning
from search.cli import index_dir_option, resolve_index_dir
from search.durable import write_failure
from search.language.ngrams import NGRAMS_FILE
from search.storage.generations import IndexMissing, IndexStore
from search.names.staff import StaffSynonyms
from search.names.staff import default_path as default_synonyms_path


@click.group("index")
def index_group() -> None:
    """Lập và cập nhật chỉ mục tìm kiếm."""


def _print_report(report: BuildReport) -> None:
    verb = "Đã lập chỉ mục" if report.kind == "build" else "Đã cập nhật"
    click.echo(f"{verb}: {report.indexed} bài mới hoặc đã đổi, {report.unchanged} không đổi, {report.deleted} đã xóa.")
    click.echo(f"Chỉ mục {report.generation}: {report.total} bài. Thời gian: {report.elapsed:.1f} giây.")
    if report.skipped:
        click.echo(f"Bỏ qua {len(report.skipped)} nguồn:", err=True)
        for item in report.skipped:
            click.echo(f"  {item.path}: {item.reason}", err=True)


def _write_error(exc: OSError, store: IndexStore) -> str:
    reason = write_failure(exc, folder="thư mục chỉ mục", disk="ổ đĩa chứa chỉ mục")
    try:
        serving = f"chỉ mục đang dùng ({store.current().name}) không bị ảnh hưởng"
    except (IndexMissing, OSError):
        serving = "chưa có chỉ mục nào đang dùng"
    return f"không ghi được chỉ mục vào {store.root}: {reason}. Lần chạy này đã bị hủy; {serving}."


def _run(action, sources: list[str], store: IndexStore, nice: int, vectors: bool | None, **kwargs) -> None:
    lower_priority(nice)
    try:
        published = publish(
            action, sources, store, for_stream(sys.stderr), vectors=vectors, on_live=_print_live, **kwargs
        )
    except (BuilderBusy, BuildFailed) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(_write_error(exc, store)) from None
    if published.vectors is not None:
        _print_vectors(published.vectors)


def _print_live(report: BuildReport, vectors_next: bool) -> None:
    _print_report(report)
    if vectors_next:
        click.echo("Tìm kiếm đã dùng chỉ mục mới. Đang tính vector ngữ nghĩa (có thể dừng, lần sau chạy tiếp) ...")


def _print_vectors(vectors: Vectors) -> None:
    if vectors.left:
        click.echo(f"{vectors.left}.")
    report = vectors.report
    if report is not None:
        click.echo(
            f"Vector ngữ nghĩa của {report.generation}: {report.embedded} bài vừa tính, "
            f"{report.reused} bài dùng lại, {report.total} bài. Thời gian: {report.elapsed:.1f} giây."
        )


jobs_option = click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Số tiến trình tách từ song song (mặc định: số lõi của máy).",
)


nice_option = click.option(
    "--nice",
    type=click.IntRange(0, 19),
    default=INDEXING_NICE,
    show_default=True,
    help="Hạ độ ưu tiên CPU của việc lập chỉ mục (0: giữ nguyên), để trang web chạy cùng máy vẫn trả lời nhanh.",
)
crawl_delay_option = click.option(
    "--crawl-delay",
    type=click.FloatRange(0, 60),
    default=CrawlSettings.delay,
    show_default=True,
    help="Số giây tối thiểu giữa hai lần tải từ cùng một máy chủ (robots.txt có thể đòi lâu hơn).",
)
vectors_option = click.option(
    "--vectors/--no-vectors",
    default=None,
    help="Tính vector ngữ nghĩa cho bài mới và bài đã đổi ngay tại đây, chờ xong mới thoát (--vectors; chậm: "
    "khoảng 0,13 giây một bài), hay để lại cho trang web đang chạy hoặc `bantin index vectors` (--no-vectors). "
    "Mặc định: để lại nếu một trang web đang chạy trên chỉ mục này tính chúng trong nền, nếu không thì tính ngay. "
    f"Tắt hẳn bằng {meaning.SWITCH}=0.",
)
timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(0.1, 600),
    default=CrawlSettings.read_timeout,
    show_default=True,
    help="Số giây chờ máy chủ trả lời khi tải trang web (mỗi lần thử).",
)


@index_group.command("build")
@click.argument("sources", nargs=-1, required=True)
@index_dir_option
@jobs_option
@nice_option
@crawl_delay_option
@timeout_option
@vectors_option
def build_command(
    sources: tuple[str, ...],
    index_dir: str | None,
    jobs: int | None,
    nice: int,
    crawl_delay: float,
    timeout: float,
    vectors: bool | None,
) -> None:
    """Lập lại toàn bộ chỉ mục từ SOURCES, chuyển sang khi xong.

    SOURCES: tệp hoặc thư mục; hoặc địa chỉ http(s) của một bài, một nguồn tin RSS/Atom, một sitemap.
    """
    crawl = CrawlSettings(delay=crawl_delay, read_timeout=timeout)
    _run(build, list(sources), resolve_index_dir(index_dir), nice, vectors, jobs=jobs, crawl=crawl)


@index_group.command("update")
@click.argument("sources", nargs=-1, required=True)
@click.option("--delete-missing", is_flag=True, help="Xóa khỏi chỉ mục các bài không còn trong SOURCES.")
@index_dir_option
@jobs_option
@nice_option
@crawl_delay_option
@timeout_option
@vectors_option
def update_command(
    sources: tuple[str, ...],
    delete_missing: bool,
    index_dir: str | None,
    jobs: int | None,
    nice: int,
    crawl_delay: float,
    timeout: float,
    vectors: bool | None,
) -> None:
    """Chỉ thêm bài mới và bài đã thay đổi từ SOURCES (như của build).

    Trang web đã tải lần trước được hỏi kèm ETag/Last-Modified; trang không đổi (304) không tải lại.
    """
    crawl = CrawlSettings(delay=crawl_delay, read_timeout=timeout)
    _run(
        update,
        list(sources),
        resolve_index_dir(index_dir),
        nice,
        vectors,
        delete_missing=delete_missing,
        jobs=jobs,
        crawl=crawl,
    )


@index_group.command("vectors")
@index_dir_option
@nice_option
def vectors_command(index_dir: str | None, nice: int) -> None:
    """Tính vector ngữ nghĩa còn thiếu của chỉ mục đang dùng (tiếp tục lần chạy bị dừng)."""
    if not meaning.enabled():
        raise click.ClickException(f"bước vector ngữ nghĩa đang tắt ({meaning.SWITCH}=0)")
    store = resolve_index_dir(index_dir)
    lower_priority(nice)
    try:
        store.current()
    except IndexMissing as exc:
        raise click.ClickException(str(exc)) from None
    try:
        vectors = fill_vectors(store, for_stream(sys.stderr))
    except OSError as exc:
        raise click.ClickException(_write_error(exc, store)) from None
    _print_vectors(vectors)


@index_group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@index_dir_option
def stats_command(as_json: bool, index_dir: str | None) -> None:
    """Số bài, thế hệ, dung lượng và thời điểm lập của chỉ mục đang dùng."""
    store = resolve_index_dir(index_dir)
    try:
        generation = store.current()
    except IndexMissing as exc:
        raise click.ClickException(str(exc)) from None
    meta = generation.meta()
    vectors = vectors_state.status(store)
    synonyms = StaffSynonyms(default_synonyms_path())
    staff_names = synonyms.names()
    stats = {
        "articles": meta["articles"],
        "generation": generation.name,
        "size_bytes": generation.size_bytes(),
        "built_at": meta["built_at"],
        "index_dir": str(store.root),
        "articles_with_vectors": vectors["with_vectors"],
        # The background run (index/vectors_keeper.py) or any other: state, done/total, rate, eta_s.
        "vectors": vectors,
        # Abbreviations the articles define, trusted (search/names/dictionary.py).
        "abbreviations_mined": int((meta.get("language") or {}).get("abbreviations_mined", 0)),
        # The syllable n-grams that put diacritics back (search/language/ngrams.py): counts and bytes.
        "ngrams": {
            **{k: v for k, v in (meta.get("language") or {}).items() if k in ("syllables", "pairs", "triples")},
            "bytes": int((meta.get("files") or {}).get(NGRAMS_FILE, 0)),
        },
        "staff_synonyms": len(staff_names),
        "staff_synonyms_file": str(synonyms.path),
        "staff_synonyms_errors": synonyms.errors,
    }
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(f"Chỉ mục:      {stats['index_dir']}")
    click.echo(f"Thế hệ:       {stats['generation']}")
    click.echo(f"Số bài:       {stats['articles']}")
    click.echo(f"Dung lượng:   {stats['size_bytes'] / 1e6:.1f} MB")
    click.echo(f"Lập lúc:      {stats['built_at']}")
    click.echo(f"Có vector:    {stats['articles_with_vectors']}/{stats['articles']} bài (xếp hạng theo nghĩa)")
    click.echo(f"Tính vector:  {vectors_state.describe(vectors)}")
    ngrams = stats["ngrams"]
    if ngrams["bytes"]:
        click.echo(
            f"Bảng n-gram:  {ngrams['bytes'] / 1e6:.1f} MB ({ngrams.get('syllables', 0)} âm tiết,"
            f" {ngrams.get('pairs', 0)} cặp, {ngrams.get('triples', 0)} bộ ba)"
        )
    else:
        click.echo("Bảng n-gram:  chưa có (lập lại chỉ mục để có gợi ý “Có phải bạn muốn tìm”)")
    click.echo(f"Viết tắt:     {stats['abbreviations_mined']} cặp do chính các bài định nghĩa")
    click.echo(f"Đồng nghĩa:   {stats['staff_synonyms']} tên trong {stats['staff_synonyms_file']}")
    for error in synonyms.errors:
        click.echo(f"  Bỏ qua: {error}", err=True)
