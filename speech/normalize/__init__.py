"""Vietnamese text as a reader says it (`normalize`), cut into sentences (`split_sentences`)."""

from speech.normalize.pipeline import Normalizer, normalize
from speech.normalize.sentences import sentence_spans, split_sentences

__all__ = ["Normalizer", "normalize", "sentence_spans", "split_sentences"]
