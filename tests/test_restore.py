"""Diacritics put back from context: the build's syllable n-grams and the decoder
behind "Có phải bạn muốn tìm", on sentences written here (not the eval files)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index.build import build, update
from search.engine import SearchEngine
from search.language.ngrams import NGRAMS_FILE, SyllableModel
from search.storage.generations import META, IndexStore
from search.query.suggest import Context
from tests.test_search import build_store, write_articles

# `kiem` is `kiệm` beside `tiết` but `kiếm` beside `tìm`; `dien` is `điện` after
# `tiết kiệm` and `diễn` after `biểu`; word by word each takes its commonest form.
ARTICLES = [
    ("dien-1", "Tiết kiệm điện trong mùa nắng nóng", "Người dân tiết kiệm điện, tắt thiết bị khi không dùng.", "Kinh tế", "2024-05-01"),
    ("dien-2", "Ngành điện kêu gọi tiết kiệm điện", "Tiết kiệm điện giúp giảm tải lưới vào giờ cao điểm.", "Kinh tế", "2024-05-02"),
    ("dien-3", "Biểu diễn nghệ thuật mừng ngày lễ", "Các đoàn biểu diễn tại quảng trường. Buổi biểu diễn kéo dài hai giờ.", "Văn hóa", "2024-05-03"),
    ("dien-4", "Diễn đàn doanh nghiệp trẻ", "Diễn đàn bàn về chuyển đổi số. Diễn đàn thu hút nhiều doanh nghiệp.", "Kinh tế", "2024-05-04"),
    ("dien-5", "Diễn tập phòng cháy chữa cháy", "Lực lượng chức năng diễn tập. Cuộc diễn tập diễn ra an toàn.", "Thời sự", "2024-05-05"),
    ("tim-1", "Tìm kiếm cứu nạn trên biển", "Lực lượng tìm kiếm cứu nạn tiếp tục tìm kiếm ngư dân mất tích.", "Thời sự", "2024-05-06"),
    ("tim-2", "Tìm kiếm việc làm cho lao động", "Trung tâm hỗ trợ tìm kiếm việc làm. Kiếm việc không còn khó.", "Xã hội", "2024-05-07"),
    ("quy-che", "Thực hiện quy chế dân chủ cơ sở", "Xã công khai thu chi theo quy chế dân chủ cơ sở.", "Thời sự", "2024-05-08"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> IndexStore:
    return build_store(tmp_path_factory.mktemp("restore"), ARTICLES)


@pytest.fixture(scope="module")
def engine(store) -> SearchEngine:
    return SearchEngine(store)


@pytest.mark.parametrize(
    "typed,restored",
    [
        ("tiet kiem dien", "tiết kiệm điện"),
        ("tim kiem cuu nan", "tìm kiếm cứu nạn"),
        ("bieu dien nghe thuat", "biểu diễn nghệ thuật"),
        ("quy che dan chu co so", "quy chế dân chủ cơ sở"),
    ],
)
def test_the_same_letters_are_read_by_their_neighbours(engine, typed: str, restored: str) -> None:
    assert engine.search(typed).suggestion == restored


def test_typed_diacritics_are_kept_and_unknown_syllables_pass(engine) -> None:
    assert engine.search("tiết kiem dien").suggestion == "tiết kiệm điện"
    assert engine.search("tiet kiem dien xqzw").suggestion == "tiết kiệm điện xqzw"
    only_unknown = engine.search("xqzw blorf")
    assert only_unknown.suggestion is None and only_unknown.total == 0


def test_no_suggestion_when_the_query_already_reads_right(engine) -> None:
    assert engine.search("tiết kiệm điện").suggestion is None


def test_a_long_query_is_answered(engine) -> None:
    long = ("tiet kiem dien mua nang nong " * 400)[:10_000]
    page = engine.search(long)
    assert page.total >= 1 and page.suggestion is not None


def test_the_table_is_in_the_generation_and_an_update_changes_it(store, tmp_path) -> None:
    model = SyllableModel.load(store.current().path)
    assert model is not None

    def pair(model: SyllableModel, a: str, b: str) -> int:
        return int(model.pair_count(np.array([model.number(a)]), np.array([model.number(b)]))[0])

    assert pair(model, "tiết", "kiệm") >= 2
    own = IndexStore(tmp_path / "ix")
    build([str(write_articles(tmp_path / "a.jsonl", ARTICLES))], own, jobs=1)
    before = SyllableModel.load(own.current().path)
    added = [
        ("xe-dien-1", "Xe điện tăng mạnh", "Xe điện được ưa chuộng. Mua xe điện được hỗ trợ.", "Kinh tế", "2024-06-01"),
        ("xe-dien-2", "Trạm sạc xe điện", "Thành phố lắp trạm sạc xe điện. Xe điện sạc nhanh.", "Kinh tế", "2024-06-02"),
    ]
    update([str(write_articles(tmp_path / "b.jsonl", ARTICLES + added))], own, jobs=1)
    after = SyllableModel.load(own.current().path)
    assert before.number("xe") == 0 or pair(before, "xe", "điện") == 0
    assert pair(after, "xe", "điện") >= 2
    assert SearchEngine(own).search("xe dien").suggestion == "xe điện"


def test_a_generation_without_the_table_still_opens(tmp_path) -> None:
    own = IndexStore(tmp_path / "ix")
    build([str(write_articles(tmp_path / "a.jsonl", ARTICLES))], own, jobs=1)
    generation = own.current()
    meta = json.loads((generation.path / META).read_text(encoding="utf-8"))
    del meta["files"][NGRAMS_FILE]  # as a generation built before the table existed
    (generation.path / META).write_text(json.dumps(meta), encoding="utf-8")
    (generation.path / NGRAMS_FILE).unlink()
    page = SearchEngine(own).search("tiet kiem dien")
    assert page.total >= 2 and page.suggestion is None


def test_the_ranking_reads_a_plain_query_again_with_its_results(store, monkeypatch) -> None:
    engine = SearchEngine(store)
    engine.warm(wait=True)
    live = engine._current()
    calls: list[list[str]] = []
    first = live.suggester.accented_words

    def spy(text: str, context=Context()) -> list[str]:
        calls.append(list(context.heads))
        return first(text, context)

    monkeypatch.setattr(live.suggester, "accented_words", spy)
    assert engine.search("tiet kiem dien").results[0].id in {"dien-1", "dien-2"}
    assert calls[0] == [] and any("Tiết kiệm điện" in text for text in calls[-1])
    calls.clear()
    engine.search("tiết kiệm điện")  # typed with diacritics: nothing to guess
    assert calls == []


# `chỉ` is the (slightly) commoner syllable and the n-grams never pair across a
# comma, so only the article's own text says that `thu chi` is `thu, chi` here.
BUDGET = [
    ("chi-dao", "Ban Chỉ đạo họp phiên thứ nhất", "Ban Chỉ đạo giao việc.", "Thời sự", "2024-05-01"),
    ("chi-so", "Giá tiêu dùng tăng nhẹ", "Chỉ số giá tăng, chỉ số lương giảm.", "Kinh tế", "2024-05-02"),
    ("chi-phi", "Vận tải đường biển", "Chi phí vận tải tăng, chi phí bốc xếp giảm.", "Kinh tế", "2024-05-02"),
    ("ngan-sach", "Dân chủ ở vùng sâu vùng xa", "Các khoản thu, chi ngân sách xã được công khai tại trụ sở xã.", "Thời sự", "2024-05-03"),
]


def test_the_first_results_texts_say_how_neighbouring_syllables_are_written(tmp_path) -> None:
    engine = SearchEngine(build_store(tmp_path, BUDGET))
    assert engine.search("cong khai thu chi xa").suggestion == "công khai thu chi xã"
    suggester = engine._current().suggester
    assert suggester.restore("thu chi") == ["thu", "chỉ"]  # the counts alone
    assert suggester.restore("thu chi", Context(texts=("Các khoản thu, chi ngân sách.",))) == ["thu", "chi"]
    # texts that write the syllable both ways near the other say nothing
    split = Context(texts=("Khoản thu, chi ngân sách.", "Thu chỉ đạt. Thu chỉ tăng.", "Thu chỉ giảm."))
    assert suggester.restore("thu chi", split) == ["thu", "chỉ"]


def test_the_best_ranked_title_holding_the_query_decides_its_accents(engine) -> None:
    suggester = engine._current().suggester
    heads = ("Đoàn biểu diễn", "Đoàn biểu điện")  # two results, accented apart
    assert suggester.restore("bieu dien", Context(heads=heads)) == ["biểu", "diễn"]
    assert suggester.restore("bieu dien", Context(heads=heads[::-1])) == ["biểu", "điện"]
