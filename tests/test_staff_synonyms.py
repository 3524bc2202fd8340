"""Writing the staff's synonyms file (search/names/staff.py): checked whole, written whole,
seen at once by this process, and never losing a line to a second writer."""

from __future__ import annotations

import multiprocessing
import os
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from search.names.staff import StaffSynonyms

GOOD = "Sở TN&MT = Sở Tài nguyên và Môi trường\n"


def forms(synonyms: StaffSynonyms) -> list[tuple[str, ...]]:
    return [name.forms for name in synonyms.names()]


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "instance" / "synonyms.txt"


def test_a_save_is_seen_at_once_in_nfc_and_ending_with_a_newline(path) -> None:
    synonyms = StaffSynonyms(path, interval_s=3600, clock=lambda: 0.0)  # no stamp check would come
    assert forms(synonyms) == []
    typed = unicodedata.normalize("NFD", "quận 9 = thành phố Thủ Đức") + "\r\n# ghi chú\r\n" + GOOD.strip()
    assert synonyms.save(typed) == []
    text = path.read_text(encoding="utf-8")
    assert text == "quận 9 = thành phố Thủ Đức\n# ghi chú\n" + GOOD and unicodedata.is_normalized("NFC", text)
    assert forms(synonyms) == [("quận 9", "thành phố Thủ Đức"), ("Sở TN&MT", "Sở Tài nguyên và Môi trường")]
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_a_save_with_a_bad_line_writes_nothing(path) -> None:
    synonyms = StaffSynonyms(path, interval_s=0)
    assert synonyms.save(GOOD) == []
    before = path.read_bytes()
    refused = synonyms.save("quận 9 = thành phố Thủ Đức\nhỏng\nTP = tp\n")
    assert refused == [
        f"{path}, dòng 2: cần ít nhất hai cách viết cách nhau bằng dấu “=” (ví dụ: UBND = Ủy ban nhân dân)",
        f"{path}, dòng 3: các cách viết chỉ khác nhau ở dấu hay chữ hoa; tìm kiếm đã coi chúng là một",
    ]
    assert path.read_bytes() == before
    assert forms(synonyms) == [("Sở TN&MT", "Sở Tài nguyên và Môi trường")]


def test_add_appends_one_line(path) -> None:
    path.parent.mkdir()
    path.write_text(GOOD.strip(), encoding="utf-8")  # no newline at the end
    synonyms = StaffSynonyms(path, interval_s=3600, clock=lambda: 0.0)
    assert len(forms(synonyms)) == 1
    assert synonyms.add(["  chích   ngừa ", "tiêm chủng"]) == []
    assert path.read_text(encoding="utf-8") == GOOD + "chích ngừa = tiêm chủng\n"
    assert forms(synonyms)[-1] == ("chích ngừa", "tiêm chủng")


def test_add_refuses_the_new_line_for_its_own_faults_only(path) -> None:
    path.parent.mkdir()
    path.write_text("chích ngừa = tiêm chủng\nhỏng\n", encoding="utf-8")
    synonyms = StaffSynonyms(path, interval_s=0)
    assert synonyms.add(["Chich ngua", "tiem chung"]) == [f"{path}, dòng 3: dòng này trùng với dòng 1"]
    assert synonyms.add(["quận 9", ""]) == [f"{path}: cần hai cách viết, không cách viết nào để trống"]
    assert "dấu “=”" in synonyms.add(["a = b", "c"])[0]
    assert "“#”" in synonyms.add(["# ghi chú", "c"])[0]
    assert path.read_text(encoding="utf-8") == "chích ngừa = tiêm chủng\nhỏng\n"
    # Someone else's bad line stays, untouched, and does not stop a good pair.
    assert synonyms.add(["quận 9", "thành phố Thủ Đức"]) == []
    assert path.read_text(encoding="utf-8") == "chích ngừa = tiêm chủng\nhỏng\nquận 9 = thành phố Thủ Đức\n"
    assert len(forms(synonyms)) == 2 and "dòng 2" in synonyms.errors[0]


def test_no_path_or_no_place_to_write_is_said_plainly(tmp_path) -> None:
    assert StaffSynonyms(None).save(GOOD) == ["không ghi được tệp đồng nghĩa: chưa có đường dẫn tới tệp"]
    assert StaffSynonyms(None).add(["a b", "c d"]) == ["không ghi được tệp đồng nghĩa: chưa có đường dẫn tới tệp"]
    taken = tmp_path / "synonyms.txt"
    taken.mkdir()  # a folder where the file belongs: refused even to root
    refused = StaffSynonyms(taken).save(GOOD)
    assert refused == [f"không ghi được tệp {taken}: đường dẫn này là một thư mục; tìm kiếm vẫn dùng bản đang có"]
    assert "không đọc được tệp" in StaffSynonyms(taken).add(["a b", "c d"])[0]


def test_a_read_only_folder_is_said_plainly(path) -> None:
    synonyms = StaffSynonyms(path, interval_s=0)
    assert synonyms.save(GOOD) == []
    path.parent.chmod(0o500)
    try:
        if os.access(path.parent, os.W_OK):
            pytest.skip("root (with CAP_DAC_OVERRIDE) writes into a read-only folder anyway")
        refused = synonyms.save(GOOD + "quận 9 = thành phố Thủ Đức\n")
        assert refused == [f"không ghi được tệp {path}: không có quyền ghi vào thư mục; tìm kiếm vẫn dùng bản đang có"]
        assert synonyms.add(["chích ngừa", "tiêm chủng"]) == refused
    finally:
        path.parent.chmod(0o700)
    assert path.read_text(encoding="utf-8") == GOOD


def _add_many(path: str, worker: int, count: int) -> list[str]:
    synonyms = StaffSynonyms(Path(path))
    return [e for i in range(count) for e in synonyms.add([f"mã {worker} số {i}", f"tên {worker} thứ {i}"])]


def test_two_processes_adding_at_once_lose_nothing(path) -> None:
    workers, count = 3, 15
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        runs = [pool.submit(_add_many, str(path), worker, count) for worker in range(workers)]
        assert [run.result() for run in runs] == [[]] * workers
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = {f"mã {w} số {i} = tên {w} thứ {i}" for w in range(workers) for i in range(count)}
    assert len(lines) == workers * count and set(lines) == expected
