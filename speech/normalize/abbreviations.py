"""Abbreviations read aloud: the shared dictionary's full names, and speech's own readings.

What an abbreviation means (`UBND`: `Ủy ban nhân dân`) is kept once, in the
dictionary search owns (search/names/dictionary.py); this module reads it and
adds the readings only speech needs (speech/data/pronunciations.tsv: `ASEAN`
read `A-xê-an`, `EU` read `e u`), which win over the dictionary's.

The table is compiled into one regular expression shaped like a trie of the
keys (shared prefixes factored out) so that a few hundred entries cost about
as much per character as one: the regex engine rejects a position after a
single character test instead of trying every key in turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from search.names.dictionary import dictionary
from search.language.text import nfc

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "pronunciations.tsv"


class AbbreviationFileError(ValueError):
    """The abbreviations file cannot be used; the message says where and why, in Vietnamese."""


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _trie_pattern(keys: list[str]) -> str:
    """One alternation per trie level; a key ending in a word character must end a word."""
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = key

    def walk(node: dict, first: bool = False) -> str:
        branches = []
        for ch in sorted(c for c in node if c):
            # After the first character, check that it starts a word: a pattern that
            # began with the look-behind would be tried at every position of the text.
            branches.append(re.escape(ch) + (r"(?<!\w.)" if first else "") + walk(node[ch]))
        # A key that ends here comes last: "TP.HCM" is tried before "TP." ends the match.
        if "" in node:
            key = node[""]
            branches.append(r"(?!\w)" if _is_word_char(key[-1]) else "")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return walk(trie, first=True)


@dataclass(frozen=True)
class Abbreviations:
    """An immutable table: safe to share between threads."""

    expansions: dict[str, str]
    pattern: re.Pattern = field(repr=False, compare=False)

    @classmethod
    def from_pairs(cls, pairs: dict[str, str]) -> "Abbreviations":
        if not pairs:
            return cls({}, re.compile(r"(?!)"))
        return cls(dict(pairs), re.compile(_trie_pattern(list(pairs))))

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> "Abbreviations":
        """The dictionary's meanings, then `path`'s readings over them."""
        # utf-8-sig: a byte-order mark left by a Windows editor is not part of the first key.
        return cls.from_pairs({**meanings(), **parse_tsv(path.read_text(encoding="utf-8-sig"), str(path))})

    def expand(self, text: str) -> str:
        """Replace every abbreviation; a dot ending both key and sentence is kept as the full stop."""
        return self.pattern.sub(self._replacement, text)

    def _replacement(self, match: re.Match) -> str:
        key = match.group()
        expansion = self.expansions[key]
        end = match.end()
        if not _is_word_char(key[-1]):
            if _LINE_END.match(match.string, end):
                return expansion + "." if key.endswith(".") else expansion
            if _is_word_char(match.string[end : end + 1] or " "):
                return expansion + " "  # "TP.Vinh": the dot was the only separator
        return expansion


_LINE_END = re.compile(r"[ \t]*(?:\n|$)")


def meanings() -> dict[str, str]:
    """Each spelling in the shared dictionary -> its full name (the first sense, if several).

    Spellings that cannot be read by this table (not starting with a letter)
    and full names holding digits (which the later passes would read again)
    are left to the other passes.
    """
    pairs: dict[str, str] = {}
    for name in dictionary():
        if any(ch.isdigit() for ch in name.full):
            continue
        for form in name.forms[:-1]:
            if form[:1].isalpha():
                pairs.setdefault(form, name.full)
    return pairs


def parse_tsv(content: str, source: str) -> dict[str, str]:
    """Lines `KEY<TAB>READING`; `#` comments and blank lines ignored. Errors name the line.

    Keys and readings are made NFC, like the text they are matched against: an
    editor that saves decomposed accents must not make "HĐND" silently miss.
    """
    pairs: dict[str, str] = {}
    for number, raw in enumerate(nfc(content).splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{source}, dòng {number}"
        columns = line.split("\t")
        if len(columns) != 2 or not columns[0].strip() or not columns[1].strip():
            raise AbbreviationFileError(f"{where}: cần đúng hai cột (viết tắt, cách đọc) cách nhau bằng một dấu tab")
        key, reading = columns[0].strip(), columns[1].strip()
        if not key[0].isalpha():
            raise AbbreviationFileError(f"{where}: viết tắt “{key}” phải bắt đầu bằng một chữ cái")
        if any(ch.isdigit() for ch in reading):
            raise AbbreviationFileError(f"{where}: cách đọc “{reading}” không được chứa chữ số; hãy viết số bằng chữ")
        if key in pairs:
            raise AbbreviationFileError(f"{where}: viết tắt “{key}” đã có ở dòng trước")
        pairs[key] = reading
    return pairs
