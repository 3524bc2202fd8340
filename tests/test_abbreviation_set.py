"""bench/abbreviation_set.py: known-item queries naming the title's institution the other way."""

from __future__ import annotations

import json

from bench.abbreviation_set import SHIPPED, build_set, write_set

ABBREVIATIONS = set(SHIPPED.split())
ARTICLES = [
    {"id": "viet-tat", "title": "UBND tỉnh họp bàn phòng chống lụt bão"},
    {"id": "day-du", "title": "Ủy ban nhân dân huyện tiếp công dân định kỳ"},
    # `dài hơi` folds to `đại hội` (ĐH) but is not it; `Ubnd` is not written as an abbreviation.
    {"id": "dai-hoi", "title": "Bộ phim dài hơi nhất năm"},
    {"id": "chu-thuong", "title": "Ubnd là chữ viết thường"},
    {"id": "chi-ten", "title": "UBND"},
]


def by_id(queries: list[dict]) -> dict[str, dict]:
    return {query["relevant"][0]: query for query in queries}


def test_each_title_gives_the_name_the_other_way_and_two_of_its_words() -> None:
    found = by_id(build_set(ARTICLES, ABBREVIATIONS, per_name=30, seed=1, excluded=set()))
    assert set(found) == {"viet-tat", "day-du"}
    short, full = found["viet-tat"], found["day-du"]
    assert (short["kind"], short["abbr"], full["kind"], full["abbr"]) == ("expanded", "UBND", "abbreviated", "UBND")
    assert short["query"].startswith("ủy ban nhân dân ") and short["control"].startswith("ubnd ")
    assert full["query"].startswith("ubnd ") and full["control"].startswith("ủy ban nhân dân ")
    for query, title in ((short, ARTICLES[0]["title"]), (full, ARTICLES[1]["title"])):
        rest = query["query"].split()[-2:]
        assert query["control"].split()[-2:] == rest
        assert " ".join(rest) in title.lower()


def test_left_out_articles_and_the_limit_per_name() -> None:
    assert "viet-tat" not in by_id(build_set(ARTICLES, ABBREVIATIONS, per_name=30, seed=1, excluded={"viet-tat"}))
    twice = [*ARTICLES[:1], {"id": "lan-hai", "title": "UBND thành phố khen thưởng giáo viên"}]
    assert len(build_set(twice, ABBREVIATIONS, per_name=1, seed=1, excluded=set())) == 1


def test_the_three_files_hold_the_same_queries(tmp_path) -> None:
    write_set(build_set(ARTICLES, ABBREVIATIONS, per_name=30, seed=1, excluded=set()), tmp_path)
    files = {name: [json.loads(line) for line in (tmp_path / f"{name}.jsonl").open(encoding="utf-8")]
             for name in ("queries", "queries_nodiacritics", "controls")}
    assert [q["relevant"] for q in files["queries"]] == [q["relevant"] for q in files["controls"]]
    plain = {q["relevant"][0]: q["query"] for q in files["queries_nodiacritics"]}
    assert plain["viet-tat"].startswith("uy ban nhan dan ")
