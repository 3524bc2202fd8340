"""`bantin search`: the same search the site runs, from a terminal."""

from __future__ import annotations

import json

import click

from search.engine import SearchEngine
from search.paths import default_index_dir
from search.storage.generations import IndexMissing, IndexStore
from search.names.staff import StaffSynonyms, default_path

index_dir_option = click.option(
    "--index-dir",
    type=click.Path(file_okay=False),
    envvar="BANTIN_INDEX_DIR",
    default=None,
    help="Thư mục chỉ mục (mặc định: $BANTIN_INDEX_DIR hoặc instance/index).",
)


def resolve_index_dir(index_dir: str | None) -> IndexStore:
    return IndexStore(index_dir or default_index_dir())


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON như /api/search.")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Số kết quả.")
@click.option("--explain", is_flag=True, help="In thêm cách đọc có dấu và các cách viết khác đã tìm cùng.")
@index_dir_option
def search_command(query: tuple[str, ...], as_json: bool, limit: int, explain: bool, index_dir: str | None) -> None:
    """Tìm bài viết trong chỉ mục."""
    engine = SearchEngine(resolve_index_dir(index_dir), synonyms=StaffSynonyms(default_path()))
    text = " ".join(query)
    try:
        page = engine.search(text, per_page=limit)
        reading = engine.reading(text) if explain else ""
    except IndexMissing as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(page.to_dict(), ensure_ascii=False, indent=2))
        return
    if explain:
        click.echo(f"Cách đọc có dấu: {reading or '(không có)'}")
        for expansion in page.expansions:
            click.echo(f"Tìm cả: “{expansion['typed']}” = " + " = ".join(f"“{form}”" for form in expansion["also"]))
        if not page.expansions:
            click.echo("Không có tên nào viết được cách khác.")
    if page.suggestion:
        click.echo(f"Có phải bạn muốn tìm: {page.suggestion}")
    if not page.results:
        click.echo(f"Không tìm thấy bài nào cho “{page.query}”.")
        return
    if page.partial:
        click.echo(f"Không bài nào có đủ mọi từ của “{page.query}”; đây là các bài khớp nhiều từ nhất.")
    click.echo(f"{page.total} bài cho “{page.query}”:")
    for rank, hit in enumerate(page.results, 1):
        date = hit.date.strftime("%d/%m/%Y") if hit.date else "không rõ ngày"
        click.echo(f"{rank:>2}. {hit.title}  [{date}{', ' + hit.category if hit.category else ''}]  id={hit.id}")
