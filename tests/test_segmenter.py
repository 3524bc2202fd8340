"""The fast segmenter must give exactly pyvi's segmentation."""

from __future__ import annotations

import pytest
from pyvi import ViTokenizer

from search.language.segmenter import segment

SENTENCES = [
    "Thực hiện quy chế dân chủ cơ sở trong các cơ quan hành chính Nhà nước",
    "Văn phòng UBND tỉnh tổ chức Hội nghị cán bộ, công chức, viên chức năm 2021.",
    "Từ năm 2016 đến năm 2020, toàn tỉnh đã tiếp nhận 1.665.978 hồ sơ, đạt 99%./.",
    "Sở GD&ĐT TP.HCM công bố điểm chuẩn tuyển sinh lớp 10 lúc 14h30 ngày 28/05/2021.",
    "Ông Nguyễn Văn An, Chủ tịch HĐND tỉnh, phát biểu tại Đại hội XIII.",
    "Email: lienhe@binhan.gov.vn, website https://binhan.gov.vn/tin-tuc ... xem thêm ==> đây",
    "Mr. Smith và ThS. Lan dự hội thảo -> kết thúc >> về",
    "một",
    "",
    "!!! ???",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_same_words_as_pyvi(text: str) -> None:
    mine = " ".join(w.text.replace(" ", "_") for w in segment(text))
    expected = ViTokenizer.tokenize(text) if text.strip() else ""
    assert mine == expected


def test_offsets_point_at_the_words() -> None:
    text = "Thực hiện quy chế dân chủ cơ sở, UBND tỉnh."
    for word in segment(text):
        assert text[word.start : word.end] == word.text


def test_many_real_articles_match_pyvi(shared) -> None:
    import itertools
    import json

    with open(shared / "corpus" / "uvn_dantri_2020_2021.jsonl", encoding="utf-8") as lines:
        docs = [json.loads(line) for line in itertools.islice(lines, 60)]
    for doc in docs:
        text = doc["title"] + "\n" + doc["body"][:3000]
        mine = " ".join(w.text.replace(" ", "_") for w in segment(text))
        assert mine == ViTokenizer.tokenize(text), doc["id"]
