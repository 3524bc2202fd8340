"""Synthetic Vietnamese articles for tests, written by the project (no shared data)."""

from __future__ import annotations

import json
import random
from pathlib import Path

SENTENCES = [
    "UBND tỉnh chỉ đạo các sở, ngành đẩy mạnh cải cách thủ tục hành chính.",
    "Hội đồng nhân dân tỉnh khai mạc kỳ họp thường lệ cuối năm.",
    "Ngành giáo dục chuẩn bị kỳ thi tuyển sinh lớp 10 năm học mới.",
    "Nông dân các huyện ven biển chủ động phòng chống hạn mặn cho lúa.",
    "Sở Y tế triển khai tiêm chủng mở rộng cho trẻ em dưới năm tuổi.",
    "Dự án đường cao tốc qua địa bàn tỉnh được đẩy nhanh tiến độ.",
    "Lễ hội văn hóa truyền thống thu hút hàng nghìn du khách.",
    "Người dân nộp hồ sơ qua dịch vụ công trực tuyến ngày càng nhiều.",
    "Các doanh nghiệp xuất khẩu nông sản tìm kiếm thị trường mới.",
    "Mặt trận Tổ quốc vận động ủng hộ người nghèo đón Tết.",
    "Công an tỉnh tăng cường bảo đảm trật tự an toàn giao thông.",
    "Chương trình chuyển đổi số được triển khai đến từng xã.",
]


def article_record(n: int, rng: random.Random, words: int = 6) -> dict:
    body = [" ".join(rng.choice(SENTENCES) for _ in range(words)) for _ in range(3)]
    return {
        "id": f"bai-{n:05d}",
        "title": f"Bản tin số {n}: " + rng.choice(SENTENCES).rstrip("."),
        "body": "\n".join(body),
        "date": f"202{n % 5}-0{1 + n % 9}-1{n % 10}",
        "category": rng.choice(["Thời sự", "Giáo dục", "Y tế", "Kinh tế"]),
        "source": "tests",
    }


def write_jsonl(path: Path, count: int, seed: int = 7, start: int = 0, words: int = 6) -> Path:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for n in range(start, start + count):
            out.write(json.dumps(article_record(n, rng, words), ensure_ascii=False) + "\n")
    return path


PORTAL_ARTICLE = """PublishingPortal - Block_BanTin_Toolbar

15/03/2024
Tăng cỡ chữ Giảm cỡ chữ
Thực hiện quy chế dân chủ cơ sở ở các xã vùng cao
Các xã vùng cao của tỉnh đã triển khai quy chế dân chủ cơ sở, phát huy quyền làm chủ của Nhân dân.

 PublishingPortal - Block_BanTin_ViewData

Hội nghị triển khai quy chế dân chủ tại xã Tân Lập

Thời gian qua, chính quyền các xã đã công khai các khoản thu, chi và lấy ý kiến người dân về các công trình.

Nhờ đó, nhiều công trình giao thông nông thôn được người dân đồng thuận, góp công sức xây dựng./.
Minh Thư
"""


def write_portal(path: Path, text: str = PORTAL_ARTICLE) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
