"""Parser for saved HTML article pages, built on trafilatura.

trafilatura finds the article among menus, sidebars and footers and reads the
usual metadata (title, date, author, section, canonical URL). Two things it does
not keep are read from the page here: the lead (sapo), and the photo caption.

Lead: an element whose class names it (sapo, lead, summary, chapeau: the words
Vietnamese and international news templates use); failing that, the first body
paragraph when it repeats the page's meta description. The lead is taken out of
the body so it is not shown or indexed twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import use_config

from index.sources.errors import SourceError
from index.sources.ids import url_id
from search.article import Article
from search.language.text import clean_line

# Portal notices are often shorter than trafilatura's default 250 characters, below
# which it falls back to dumping the whole page, menus included.
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
# Menus are dropped before extraction too: on small pages trafilatura's fallback keeps them.
_PRUNE = ["//nav", "//footer", "//aside", "//*[@role='navigation']", "//header[not(ancestor::article)]"]
_LEAD_CLASS = re.compile(r"(?:^|[\s_-])(?:sapo|lead|summary|chapeau)(?:$|[\s_-])", re.IGNORECASE)
# Elements of trafilatura's output tree that start a new paragraph or line.
_LINE_TAGS = {"p", "head", "item", "quote", "row", "lb", "list", "table", "code"}


def parse_html(html: str, *, article_id: str | None, source: str = "", url: str = "") -> Article:
    """Read one article page; with `article_id=None` the id comes from its canonical URL.

    Raises `SourceError` when the page holds no article text, or when no id can
    be derived (no `article_id`, no canonical URL and no `url`).
    """
    tree = trafilatura.load_html(html)
    if tree is None:
        raise SourceError("no article text found")
    content = _content_root(tree)
    marked_lead = next(_texts(e for e in content.iter() if _is_marked_lead(e)), "")
    caption = next(_texts(content.iter("figcaption")), "")
    try:
        doc = trafilatura.bare_extraction(
            tree, with_metadata=True, include_comments=False, config=_CONFIG, prune_xpath=_PRUNE
        )
    except ValueError as exc:  # trafilatura's documented "extraction problem"
        raise SourceError(f"no article text found ({exc})") from None
    if doc is None:
        raise SourceError("no article text found")

    title = clean_line(doc.title or "")
    paragraphs = [p for p in _paragraphs(doc.body) if p != title and p != caption]
    if not title:
        raise SourceError("no title found" if paragraphs else "no article text found")
    lead = marked_lead
    if not lead and paragraphs and paragraphs[0] == clean_line(doc.description or ""):
        lead = paragraphs[0]
    if lead in paragraphs:
        paragraphs.remove(lead)

    page_url = doc.url or url
    if article_id is None:
        if not page_url:
            raise SourceError("no canonical URL to derive an id from")
        article_id = url_id(page_url)
    return Article(
        id=article_id,
        title=title,
        body=tuple(paragraphs),
        url=page_url,
        lead=lead,
        caption=caption,
        date=_date(doc.date),
        author=doc.author or "",
        category=doc.categories[0] if doc.categories else "",
        source=source,
    )


def _content_root(tree: HtmlElement) -> HtmlElement:
    """The page's <main>, else its first <article>, else the page: where lead and caption are looked for.

    Sidebars and "related news" lists have captions and summaries of their own.
    """
    for xpath in ("//main", "//article"):
        found = tree.xpath(xpath)
        if found:
            return found[0]
    return tree


def _is_marked_lead(element: HtmlElement) -> bool:
    return isinstance(element.tag, str) and bool(_LEAD_CLASS.search(element.get("class", "")))


def _texts(elements: Iterable[HtmlElement]) -> Iterator[str]:
    """Non-empty cleaned texts of `elements`, in order."""
    for element in elements:
        text = clean_line(element.text_content())
        if text:
            yield text


def _paragraphs(body: etree._Element | None) -> list[str]:
    """Paragraph texts of trafilatura's output tree, one per block element or line break."""
    if body is None:
        return []
    for element in body.iter():
        if element.tag in _LINE_TAGS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
        elif element.tag == "cell":  # keep a table row on one line, cells apart
            element.tail = " " + (element.tail or "")
    lines = (clean_line(line) for line in "".join(body.itertext()).split("\n"))
    return [line for line in lines if line]


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
