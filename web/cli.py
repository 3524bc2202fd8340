"""The `bantin` console script: each package's commands joined, plus `serve`."""

from __future__ import annotations

import logging
import signal
import sys

import click

from index.cli import index_group
from search.cli import index_dir_option, resolve_index_dir, search_command
from search.paths import data_dir
from speech.cli import audio_group, speech_group
from web.admin.cli import admin_group
from web.serving.backup_cli import backup_group
from web.serving.occupancy import Occupied, serving


@click.group()
@click.version_option(package_name="bantin")
def main() -> None:
    """Bantin: tìm kiếm và đọc tin tức cơ quan nhà nước."""


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(0)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True, help="Số luồng phục vụ mỗi tiến trình.")
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=1,
    show_default=True,
    help="Số tiến trình phục vụ: đặt bằng số nhân CPU để dùng hết máy (mỗi tiến trình tự mở chỉ mục).",
)
@index_dir_option
def serve_command(host: str, port: int, threads: int, workers: int, index_dir: str | None) -> None:
    """Chạy trang web trên waitress."""
    # One line per request (web/plumbing/request_log.py) on stderr; waitress's own warnings too.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = {"INDEX_DIR": str(resolve_index_dir(index_dir).root)}
    where = f"http://{host}:{port}/ (chỉ mục {config['INDEX_DIR']})"
    try:
        # For as long as it runs: `bantin backup restore` is refused meanwhile.
        with serving(data_dir()):
            _serve(config, where, host, port, threads, workers)
    except Occupied as exc:
        raise click.ClickException(str(exc)) from None


def _serve(config: dict[str, str], where: str, host: str, port: int, threads: int, workers: int) -> None:
    from waitress import serve

    from web import create_app
    from web.plumbing import proxy
    from web.serving.background import keeper, keeping_vectors

    if workers == 1:
        app = create_app(config)
        app.extensions["bantin.engine"].warm(wait=True)
        click.echo(f"Bantin đang chạy tại {where}", err=True)
        # SIGTERM ends waitress's loop as Ctrl-C does, so the vectors' run is stopped in order.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        with keeping_vectors(app):
            serve(app, host=host, port=port, threads=threads, **proxy.WAITRESS)
        return

    from web.serving.processes import listening_socket, serve_workers, shared_metrics

    with shared_metrics():  # before the app: its metrics must count in the shared folder
        app = create_app(config)
        if app.config["RATELIMIT_ENABLED"] and app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
            logging.getLogger("bantin.serve").warning(
                "giới hạn truy cập đếm riêng trong từng tiến trình (memory://): với %d tiến trình, mỗi khách được "
                "tới %d lần giới hạn; dùng RATELIMIT_STORAGE_URI redis:// hoặc memcached:// để đếm chung",
                workers,
                workers,
            )
        sock = listening_socket(host, port)
        click.echo(f"Bantin đang chạy với {workers} tiến trình tại {where}", err=True)
        sys.exit(serve_workers(app, sock, workers, threads, keeper(app)))


main.add_command(index_group)
main.add_command(search_command)
main.add_command(audio_group)
main.add_command(speech_group)
main.add_command(admin_group)
main.add_command(backup_group)

if __name__ == "__main__":  # `python -m web.cli`: this checkout's code, whatever is installed
    main()
