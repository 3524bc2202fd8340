"""deploy/: the systemd units verify, nginx sends exactly the headers Bantin trusts
(web/plumbing/proxy.py) and they make the app see the client, and nginx and
logrotate accept their files. Each tool's own check is skipped where the tool is
missing (CI's fresh machine may have none of them); the rest always runs."""

from __future__ import annotations

import getpass
import grp
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from web import create_app

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
BANTIN = Path(sys.executable).with_name("bantin")
INSTALLED_BANTIN = "/opt/bantin/.venv/bin/bantin"
UNITS = ["bantin.service", "bantin-backup.service", "bantin-backup.timer"]
# What nginx puts in its variables, for a client at a documentation address.
NGINX_VARIABLES = {"$remote_addr": "203.0.113.7", "$scheme": "https", "$host": "tin.example.gov.vn"}
# ProxyFix's settings and the header each one trusts.
PROXY_FIX = {
    "x_for": "X-Forwarded-For",
    "x_proto": "X-Forwarded-Proto",
    "x_host": "X-Forwarded-Host",
    "x_port": "X-Forwarded-Port",
    "x_prefix": "X-Forwarded-Prefix",
}


# --- systemd ------------------------------------------------------------------------


def _unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_the_service_runs_bantin_behind_the_proxy_and_stops_it_gracefully() -> None:
    unit = _unit("bantin.service")
    command = unit["ExecStart"][0].split()
    assert command[:2] == [INSTALLED_BANTIN, "serve"]
    assert command[command.index("--host") + 1] == "127.0.0.1"  # only the proxy on this machine reaches it
    port = command[command.index("--port") + 1]
    assert f"server 127.0.0.1:{port};" in (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert unit["Environment"] == ["BANTIN_DATA_DIR=/var/lib/bantin"] and unit["ReadWritePaths"] == ["/var/lib/bantin"]
    # The supervisor alone gets SIGTERM and stops its workers (web/serving/processes.py).
    assert unit["KillSignal"] == ["SIGTERM"] and unit["KillMode"] == ["mixed"]
    assert unit["Type"] in (["exec"], ["simple"])  # waitress does not speak sd_notify
    backup = _unit("bantin-backup.service")
    assert backup["User"] == unit["User"] and backup["Environment"] == unit["Environment"]


def _systemd_analyze() -> str:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    return tool


def test_the_units_verify(tmp_path) -> None:
    """With ExecStart pointed at this checkout's bantin, since verify checks that the program exists."""
    tool = _systemd_analyze()
    probe = tmp_path / "probe.service"
    probe.write_text("[Service]\nExecStart=/bin/true\n", encoding="utf-8")
    ran = subprocess.run([tool, "verify", str(probe)], capture_output=True, text=True, cwd=tmp_path)
    if ran.returncode != 0:
        pytest.skip(f"systemd-analyze verify cannot run here: {(ran.stderr or ran.stdout).strip()[:200]}")
    assert BANTIN.exists()
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(INSTALLED_BANTIN, str(BANTIN)), encoding="utf-8")
    ran = subprocess.run([tool, "verify", *UNITS], capture_output=True, text=True, cwd=tmp_path)
    assert (ran.returncode, ran.stdout + ran.stderr) == (0, "")  # an unknown key is only a warning: none either


# --- nginx ----------------------------------------------------------------------------


@dataclass
class Block:
    """One block of an nginx file: its directives (name, arguments) and inner blocks."""

    name: str
    args: list[str] = field(default_factory=list)
    directives: list[tuple[str, list[str]]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def values(self, name: str) -> list[list[str]]:
        return [args for directive, args in self.directives if directive == name]

    def walk(self):
        yield self
        for block in self.blocks:
            yield from block.walk()


_TOKEN = re.compile(r'"[^"]*"|[{};]|[^\s{};"]+')


def parse_nginx(text: str) -> Block:
    top = Block("main")
    stack, words = [top], []
    for token in _TOKEN.findall(re.sub(r"#[^\n]*", "", text)):
        if token == "{":
            block = Block(words[0], words[1:])
            stack[-1].blocks.append(block)
            stack.append(block)
            words = []
        elif token == "}":
            stack.pop()
        elif token == ";":
            stack[-1].directives.append((words[0], [w.strip('"') for w in words[1:]]))
            words = []
        else:
            words.append(token)
    assert len(stack) == 1 and not words, "unbalanced nginx file"
    return top


@pytest.fixture(scope="module")
def site_block() -> Block:
    """The server block that proxies to Bantin."""
    (server,) = [
        block for block in parse_nginx((DEPLOY / "nginx.conf").read_text(encoding="utf-8")).blocks
        if block.name == "server" and any(b.values("proxy_pass") for b in block.walk())
    ]
    return server


def _proxy_headers(server: Block) -> dict[str, str]:
    return {args[0]: args[1] for args in server.values("proxy_set_header")}


@pytest.fixture
def proxied_app(instance, tmp_path):
    """The site as the deployment configures it: one trusted proxy, a Prometheus at the client's address."""
    return create_app({
        "INDEX_DIR": str(tmp_path / "no-index"),
        "TESTING": True,
        "TRUSTED_PROXIES": 1,
        "METRICS_ALLOW": [NGINX_VARIABLES["$remote_addr"]],
    })


def test_nginx_sets_exactly_the_headers_bantin_trusts(site_block, proxied_app) -> None:
    fix = proxied_app.wsgi_app
    assert isinstance(fix, ProxyFix)
    headers = _proxy_headers(site_block)
    for setting, header in PROXY_FIX.items():
        if getattr(fix, setting):
            # Set from nginx's own knowledge, replacing what the client sent.
            assert headers.get(header, "").startswith("$") and "proxy_add" not in headers[header], header
        else:
            assert headers.get(header) == "", f"{header}: Bantin does not trust it, so nginx should drop it"
    assert headers["X-Forwarded-For"] == "$remote_addr" and fix.x_for == 1  # one proxy: TRUSTED_PROXIES = 1
    assert headers["Forwarded"] == "" and headers["Host"] == "$host"


def test_no_location_drops_the_servers_headers(site_block) -> None:
    """A location with any proxy_set_header of its own loses every one of the server's."""
    for location in site_block.blocks:
        assert not location.values("proxy_set_header"), location.args
        assert location.values("proxy_pass") == [["http://bantin"]] or location.values("return") == [["404"]]
    (metrics,) = [b for b in site_block.blocks if b.args == ["=", "/metrics"]]
    assert metrics.values("return") == [["404"]]


def test_client_max_body_size_is_bantins_limit(site_block, proxied_app) -> None:
    (size,) = site_block.values("client_max_body_size")
    assert size == [f"{proxied_app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)}m"]


def test_what_nginx_sends_makes_the_app_see_the_client(site_block, proxied_app) -> None:
    """The headers as nginx fills them, from 127.0.0.1: the client's address and HTTPS reach the app."""
    sent = {name: NGINX_VARIABLES.get(value, value) for name, value in _proxy_headers(site_block).items() if value}
    client = proxied_app.test_client()
    assert client.get("/metrics", headers=sent, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 404
    page = client.get("/", headers=sent, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert "Strict-Transport-Security" in page.headers  # HTTPS, from X-Forwarded-Proto


def test_nginx_accepts_the_site(tmp_path) -> None:
    nginx = shutil.which("nginx")
    openssl = shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx or openssl is not installed")
    certs, cache, logs = tmp_path / "certs", tmp_path / "cache", tmp_path / "logs"
    for folder in (certs, cache, logs):
        folder.mkdir()
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=tin.example.gov.vn",
         "-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem")],
        check=True, capture_output=True,
    )
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    for installed, here in {
        "/etc/letsencrypt/live/tin.example.gov.vn/": certs, "/var/cache/nginx/": cache, "/var/log/nginx/": logs
    }.items():
        site = site.replace(installed, f"{here}/")
    (tmp_path / "bantin.conf").write_text(site, encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {logs}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; {temp} include {tmp_path}/bantin.conf; }}\n",
        encoding="utf-8",
    )
    ran = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-e", str(logs / "error.log"), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True,
    )
    assert ran.returncode == 0, ran.stderr


# --- logrotate --------------------------------------------------------------------------


def test_logrotate_accepts_its_file(tmp_path) -> None:
    tool = shutil.which("logrotate")
    if tool is None:
        pytest.skip("logrotate is not installed")
    logs = tmp_path / "log"
    logs.mkdir()
    (logs / "bantin.log").write_text("GET /search 200 4.1ms 9120B\n", encoding="utf-8")
    me = f"{getpass.getuser()} {grp.getgrgid(os.getgid()).gr_name}"
    text = (DEPLOY / "logrotate.conf").read_text(encoding="utf-8")
    assert "copytruncate" in text  # Bantin cannot reopen its stderr
    config = tmp_path / "bantin"
    config.write_text(text.replace("/var/log/bantin/", f"{logs}/").replace("su bantin bantin", f"su {me}"), encoding="utf-8")
    ran = subprocess.run(
        [tool, "--debug", "--force", "--state", str(tmp_path / "state"), str(config)], capture_output=True, text=True
    )
    assert ran.returncode == 0 and "error" not in ran.stderr.lower(), ran.stderr
    assert "copying" in ran.stderr and "truncating" in ran.stderr, ran.stderr
