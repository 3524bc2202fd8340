"""What is read aloud for an article, in which order, sentence by sentence.

The reader page shows the title, the lead, the photo caption, then the body
paragraphs; the audio reads them in that same order, so that the sentence being
read can be highlighted top to bottom. The lead is read: it is the article's
first paragraph on the page. The caption is read where the page shows it
(screen readers read it there too). Date, section and byline are not read.

Sentences are split on the text as shown (that is what read-along highlights)
and each is normalized for speaking on its own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from search.article import Article
import speech.normalize as normalize_module
from speech.errors import NothingToSay
from speech.normalize import normalize, split_sentences


@dataclass(frozen=True)
class Line:
    """One sentence: as shown, as spoken, and where it sits on the page."""

    text: str
    spoken: str
    part: str  # "title" | "lead" | "caption" | "body"
    paragraph: int  # index among the body paragraphs; 0 for the other parts
    opens_block: bool  # first sentence of its title/lead/caption/paragraph: a longer pause before it


@dataclass(frozen=True)
class Script:
    lines: tuple[Line, ...]

    @property
    def digest(self) -> str:
        """Identifies what is said and shown, line by line: the content half of a cache key."""
        payload = json.dumps(
            [[line.spoken, line.text, line.part, line.paragraph, line.opens_block] for line in self.lines],
            ensure_ascii=False,
        )
        return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


def blocks(article: Article) -> list[tuple[str, int, str]]:
    """(part, paragraph, text) in reading order, empty ones left out."""
    found = [("title", 0, article.title), ("lead", 0, article.lead), ("caption", 0, article.caption)]
    found += [("body", n, text) for n, text in enumerate(article.body)]
    return [block for block in found if block[2].strip()]


def script_for(article: Article) -> Script:
    lines: list[Line] = []
    for part, paragraph, text in blocks(article):
        opens = True
        for sentence in split_sentences(text):
            spoken = normalize(sentence)
            if not any(ch.isalnum() for ch in spoken):
                continue
            lines.append(Line(sentence, spoken, part, paragraph, opens))
            opens = False
    if not lines:
        raise NothingToSay(f"bài {article.id} không có nội dung để đọc")
    return Script(tuple(lines))


@cache
def normalizer_fingerprint() -> str:
    """A digest of the normalizer's code and of the data files in speech/.

    Audio is looked up by article (id and content) without normalizing it again;
    when the normalizer or its data changes, what an article sounds like changes
    too, and this fingerprint, part of that lookup, makes the old audio miss.
    """
    module = Path(normalize_module.__file__)
    code = sorted(module.parent.rglob("*.py")) if module.name == "__init__.py" else [module]
    package = Path(__file__).parent
    data = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc"))
    digest = hashlib.blake2b(digest_size=8)
    for path in code + data:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
