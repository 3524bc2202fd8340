"""`bantin admin hash-password`: the hash to put in the configuration, never the password."""

from __future__ import annotations

import click
from werkzeug.security import generate_password_hash

MIN_PASSWORD = 10


@click.group("admin")
def admin_group() -> None:
    """Tài khoản quản trị."""


@admin_group.command("hash-password")
def hash_password_command() -> None:
    """Hỏi mật khẩu (không hiện khi gõ) và in mã băm của nó."""
    password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu", err=True)
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"mật khẩu cần ít nhất {MIN_PASSWORD} ký tự")
    click.echo(generate_password_hash(password))
    click.echo(
        'Đặt mã băm vào bantin.cfg: ADMIN_USERS = {"tên": "<mã băm>"}, '
        "hoặc vào biến môi trường BANTIN_ADMIN_PASSWORD_HASH (tài khoản admin; nhớ đặt trong dấu nháy đơn).",
        err=True,
    )
