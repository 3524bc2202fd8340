"""`bantin backup`: a site's data folder taken while it serves, put back into an empty
folder, and served from there with the same results, sessions and key; archives that
are corrupt, cut short or hostile are refused and leave the target as it was."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import stat
import tarfile
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug.security import generate_password_hash

from index.build import build
from search.storage.generations import IndexStore
from tests.factories import write_jsonl
from web import create_app
from web.cli import main
from web.serving.backup import MANIFEST, BackupError, Places, create
from web.serving.restore import restore

PASSWORD = "mật khẩu sao lưu 2026"
COOKIE = "bantin_admin"
QUERY = "/api/search?q=tuyen+sinh+lop+10&per_page=20"


@pytest.fixture(scope="module")
def password_hash() -> str:
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def _app(data: Path, password_hash: str, monkeypatch):
    monkeypatch.setenv("BANTIN_DATA_DIR", str(data))
    return create_app(
        {"INDEX_DIR": str(data / "index"), "TESTING": True, "SESSION_COOKIE_SECURE": False,
         "ADMIN_USERS": {"lan": password_hash}}
    )


def _sign_in(client) -> str:
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/admin/login", data={"csrf_token": token, "username": "lan", "password": PASSWORD})
    assert answer.status_code == 303
    return client.get_cookie(COOKIE, path="/admin").value


@pytest.fixture
def site(tmp_path, password_hash, monkeypatch):
    """A data folder as a running site leaves it, and the site itself, open and signed in."""
    data = tmp_path / "site"
    build([str(write_jsonl(tmp_path / "articles.jsonl", 12))], IndexStore(data / "index"), jobs=1)
    (data / "synonyms.txt").write_text("UBND = Ủy ban nhân dân\n", encoding="utf-8")
    (data / "bantin.cfg").write_text("SEARCH_STATS = False\n", encoding="utf-8")
    entries = data / "audio" / "entries"
    entries.mkdir(parents=True)
    (entries / "k1.mp3").write_bytes(b"ID3" + bytes(300))
    (entries / "k1.json").write_text('{"duration": 1.0}', encoding="utf-8")
    for leftover in ("audio/tmp/half.mp3.part", "audio/locks/x.lock", "models/e5.onnx", ".secret_key.123.ab"):
        (data / leftover).parent.mkdir(parents=True, exist_ok=True)
        (data / leftover).write_bytes(b"x")
    app = _app(data, password_hash, monkeypatch)
    client = app.test_client()
    cookie = _sign_in(client)
    assert client.get(QUERY).json["total"] > 0  # the engine has the generation open
    return data, client, cookie


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_backup_restored_into_an_empty_folder_serves_the_same(site, tmp_path, password_hash, monkeypatch) -> None:
    data, client, cookie = site
    archive = tmp_path / "backups" / "bantin.tar.gz"
    archive.parent.mkdir()
    code, out = _cli("backup", "create", str(archive), "--data-dir", str(data))
    assert code == 0, out
    assert "chỉ mục gen-000001 (12 bài), có âm thanh, " in out
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds the session key
    assert [p.name for p in archive.parent.iterdir()] == ["bantin.tar.gz"]  # no temporary file left

    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[-1] == MANIFEST
    assert f", {len(names) - 1} tệp, " in out  # the manifest does not count itself
    assert "instance/secret_key" in names and "instance/admin/sessions.sqlite3" in names
    assert "index/CURRENT" in names and "audio/entries/k1.mp3" in names
    assert not [n for n in names if "models/" in n or "/tmp/" in n or "/locks/" in n or "/." in n or "-wal" in n]

    restored = tmp_path / "restored"
    code, out = _cli("backup", "restore", str(archive), "--data-dir", str(restored))
    assert code == 0, out
    assert "Chỉ mục gen-000001" in out and "sẵn sàng phục vụ" in out

    assert (restored / "secret_key").read_bytes() == (data / "secret_key").read_bytes()
    assert stat.S_IMODE((restored / "secret_key").stat().st_mode) == 0o600
    for same in ("synonyms.txt", "bantin.cfg", "audio/entries/k1.mp3", "admin/audit.jsonl"):
        assert (restored / same).read_bytes() == (data / same).read_bytes(), same
    assert (restored / "audio/entries/k1.json").stat().st_mtime == pytest.approx(
        (data / "audio/entries/k1.json").stat().st_mtime, abs=1
    )  # the cache's LRU clock
    assert not (restored / "models").exists() and not list(restored.glob(".bantin-restore-*"))

    again = _app(restored, password_hash, monkeypatch).test_client()
    assert again.get(QUERY).json == client.get(QUERY).json
    again.set_cookie(COOKIE, cookie, path="/admin")  # signed by the same key, known to the restored sessions
    dashboard = again.get("/admin/")
    assert dashboard.status_code == 200 and "Đang đăng nhập: <strong>lan</strong>" in dashboard.get_data(as_text=True)


def test_a_busy_sqlite_file_is_copied_whole(tmp_path) -> None:
    """Search counts are written every second by each worker: the copy is a snapshot, never a torn file."""
    data = tmp_path / "site"
    data.mkdir()
    path = data / "search-stats.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE searches (n INTEGER)")
    stop, busy = threading.Event(), threading.Event()

    def write() -> None:
        with sqlite3.connect(path, isolation_level=None) as db:
            n = 0
            while not stop.is_set():
                db.execute("BEGIN")
                db.executemany("INSERT INTO searches VALUES (?)", [(n,)] * 50)
                db.execute("COMMIT")
                n += 1
                if n == 20:
                    busy.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert busy.wait(30)
        create(tmp_path / "b.tar", Places(data, data / "index", data / "audio"))
    finally:
        stop.set()
        writer.join()
    restore(tmp_path / "b.tar", Places(tmp_path / "r", tmp_path / "r" / "index", tmp_path / "r" / "audio"))
    with sqlite3.connect(tmp_path / "r" / "search-stats.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        counts = db.execute("SELECT count(*) FROM searches GROUP BY n").fetchall()
    assert counts and set(counts) == {(50,)}  # whole transactions only


def _plain_backup(site, tmp_path) -> Path:
    archive = tmp_path / "b.tar"
    code, out = _cli("backup", "create", str(archive), "--data-dir", str(site[0]), "--no-audio")
    assert code == 0 and "không có âm thanh" in out, out
    return archive


def test_a_corrupt_or_truncated_archive_is_refused_and_nothing_is_restored(site, tmp_path) -> None:
    archive = _plain_backup(site, tmp_path)
    raw = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        member = tar.getmember("index/gen-000001/meta.json")
    raw[member.offset_data + 5] ^= 0xFF  # one byte of a file, the tar headers intact
    corrupt = tmp_path / "corrupt.tar"
    corrupt.write_bytes(bytes(raw))
    target = tmp_path / "target"
    code, out = _cli("backup", "restore", str(corrupt), "--data-dir", str(target))
    assert code == 1 and "hỏng: 1 tệp thiếu hoặc khác bản kê (index/gen-000001/meta.json)" in out
    assert not target.exists()
    code, out = _cli("backup", "verify", str(corrupt))
    assert code == 1 and "khác bản kê" in out

    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[: member.offset_data + 1024])  # ends before the manifest
    code, out = _cli("backup", "restore", str(cut), "--data-dir", str(target))
    assert code == 1 and ("bị cắt" in out), out
    assert not target.exists()

    gz = tmp_path / "b.tar.gz"
    assert _cli("backup", "create", str(gz), "--data-dir", str(site[0]))[0] == 0
    (tmp_path / "cut.tar.gz").write_bytes(gz.read_bytes()[: gz.stat().st_size // 2])
    code, out = _cli("backup", "restore", str(tmp_path / "cut.tar.gz"), "--data-dir", str(target))
    assert code == 1 and "tệp hỏng hoặc bị cắt" in out
    code, out = _cli("backup", "verify", str(gz))
    assert code == 0 and "nguyên vẹn" in out


def test_a_folder_in_use_is_refused_unless_forced(site, tmp_path) -> None:
    data = site[0]
    archive = _plain_backup(site, tmp_path)
    code, out = _cli("backup", "restore", str(archive), "--data-dir", str(data))
    assert code == 1 and "không trống" in out and "--force" in out
    assert out.count(str(data)) == 1  # the index inside it is not named again

    target = tmp_path / "target"
    build([str(write_jsonl(tmp_path / "other.jsonl", 3, seed=1))], IndexStore(target / "index"), jobs=1)
    build([str(write_jsonl(tmp_path / "other.jsonl", 3, seed=1))], IndexStore(target / "index"), jobs=1)
    (target / "mine.txt").write_text("giữ lại", encoding="utf-8")
    (target / "synonyms.txt").write_text("cũ = khác\n", encoding="utf-8")
    code, out = _cli("backup", "restore", str(archive), "--data-dir", str(target), "--force")
    assert code == 0, out
    assert sorted(p.name for p in (target / "index").iterdir()) == ["CURRENT", "gen-000001"]
    assert IndexStore(target / "index").current().meta()["articles"] == 12
    assert (target / "synonyms.txt").read_bytes() == (data / "synonyms.txt").read_bytes()
    assert (target / "mine.txt").read_text(encoding="utf-8") == "giữ lại"  # not the archive's: left alone


def _archive(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    with tarfile.open(path, "w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


def _file(name: str, data: bytes = b"x") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name: str, target: str, kind: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, b""


@pytest.mark.parametrize(
    "member, reason",
    [
        (_file("../evil"), "đường dẫn không an toàn"),
        (_file("instance/../../evil"), "đường dẫn không an toàn"),
        (_file("/tmp/bantin-evil"), "đường dẫn không an toàn"),
        (_file("instance/./secret_key"), "đường dẫn không an toàn"),
        (_link("instance/secret_key", "/etc/passwd", tarfile.SYMTYPE), "không phải tệp thường"),
        (_link("instance/secret_key", "../../evil", tarfile.LNKTYPE), "không phải tệp thường"),
        (_file("elsewhere/file"), "tệp lạ"),
        (_file("index"), "tệp lạ"),
    ],
    ids=["dotdot", "inner-dotdot", "absolute", "dot", "symlink", "hardlink", "unknown-root", "bare-root"],
)
def test_a_member_that_would_escape_is_refused(tmp_path, member, reason) -> None:
    archive = _archive(tmp_path / "evil.tar", [_file("instance/ok.txt"), member])
    target = tmp_path / "deep" / "target"
    with pytest.raises(BackupError, match=reason):
        restore(archive, Places(target, target / "index", target / "audio"))
    assert not target.exists() and not (tmp_path / "evil").exists() and not (tmp_path / "deep" / "evil").exists()


def test_an_archive_without_a_manifest_is_not_a_backup(tmp_path) -> None:
    archive = _archive(tmp_path / "other.tar", [_file("instance/a.txt")])
    target = tmp_path / "target"
    with pytest.raises(BackupError, match="thiếu bản kê"):
        restore(archive, Places(target, target / "index", target / "audio"))
    manifest = json.dumps({"format": 99, "files": {}}).encode()
    with pytest.raises(BackupError, match="định dạng 99"):
        restore(_archive(tmp_path / "future.tar", [_file(MANIFEST, manifest)]), Places(target, target, target))


def test_an_archive_inside_the_data_folder_is_refused(site) -> None:
    data = site[0]
    code, out = _cli("backup", "create", str(data / "b.tar.gz"), "--data-dir", str(data))
    assert code == 1 and "ngoài" in out and not (data / "b.tar.gz").exists()
    code, out = _cli("backup", "create", str(data.parent / "b.zip"), "--data-dir", str(data))
    assert code == 1 and ".tar.gz" in out
