"""Articles and counting engines for the speech tests (texts written by the project)."""

from __future__ import annotations

import threading

from search.article import Article
from speech.espeak import EspeakEngine

PARAGRAPHS = (
    "Ủy ban nhân dân tỉnh vừa tổ chức hội nghị tổng kết công tác cải cách hành chính. "
    "Các sở, ngành đã rút ngắn thời gian giải quyết hồ sơ cho người dân và doanh nghiệp.",
    "Người dân có thể nộp hồ sơ trực tuyến tại nhà, không phải đến trụ sở. "
    "Tỷ lệ hồ sơ được giải quyết đúng hạn tăng rõ rệt so với năm trước.",
    "Trong thời gian tới, tỉnh tiếp tục đẩy mạnh chuyển đổi số, nâng cao chất lượng phục vụ. "
    "Mỗi cán bộ, công chức cần lấy sự hài lòng của người dân làm thước đo.",
)


def article(article_id: str = "bai-1", paragraphs: int = 1, title: str = "Cải cách hành chính", **extra) -> Article:
    body = tuple(PARAGRAPHS[n % len(PARAGRAPHS)] for n in range(paragraphs))
    return Article(id=article_id, title=title, body=body, **extra)


def long_article(characters: int = 4000) -> Article:
    body: list[str] = []
    while sum(len(p) + 1 for p in body) < characters:
        body.append(PARAGRAPHS[len(body) % len(PARAGRAPHS)])
    return Article(id="bai-dai", title="Tổng kết công tác năm", lead="Một năm nhiều kết quả.", body=tuple(body))


class CountingEspeak(EspeakEngine):
    """The real offline engine, counting the sentences it is asked to speak."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.calls = 0
        self._count_lock = threading.Lock()

    def speak(self, text, deadline):
        with self._count_lock:
            self.calls += 1
        return super().speak(text, deadline)
