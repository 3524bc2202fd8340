"""The `bantin` console script: each package's commands joined, plus `serve`."""

from __future__ import annotations

import logging

import click

from index.cli import index_group
from search.cli import index_dir_option, resolve_index_dir, search_command
from speech.cli import audio_group, speech_group
from web.admin.cli import admin_group


@click.group()
@click.version_option(package_name="bantin")
def main() -> None:
    """Bantin: tìm kiếm và đọc tin tức cơ quan nhà nước."""


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True, help="Số luồng phục vụ.")
@index_dir_option
def serve_command(host: str, port: int, threads: int, index_dir: str | None) -> None:
    """Chạy trang web trên waitress."""
    from waitress import serve

    from web import create_app

    # One line per request (web.request_log) on stderr; waitress's own warnings too.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    app = create_app({"INDEX_DIR": str(resolve_index_dir(index_dir).root)})
    app.extensions["bantin.engine"].warm(wait=True)
    click.echo(f"Bantin đang chạy tại http://{host}:{port}/ (chỉ mục {app.config['INDEX_DIR']})", err=True)
    serve(app, host=host, port=port, threads=threads)


main.add_command(index_group)
main.add_command(search_command)
main.add_command(audio_group)
main.add_command(speech_group)
main.add_command(admin_group)
