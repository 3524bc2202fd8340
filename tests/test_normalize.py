"""Vietnamese normalization for speech: the reading table, sentences, the file staff edit, threads, CLI."""

from __future__ import annotations

import json
import re
import select
import subprocess
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speech.normalize import Normalizer, normalize, sentence_spans, split_sentences
from speech.normalize.abbreviations import Abbreviations, AbbreviationFileError, parse_tsv
from speech.normalize.numbers import read_int
from web.cli import main

# --- numbers on their own ----------------------------------------------------------

INTEGERS = [
    (0, "không"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (55, "năm mươi lăm"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (115, "một trăm mười lăm"),
    (221, "hai trăm hai mươi mốt"),
    (1000, "một nghìn"),
    (1005, "một nghìn không trăm linh năm"),
    (1050, "một nghìn không trăm năm mươi"),
    (2019, "hai nghìn không trăm mười chín"),
    (15000, "mười lăm nghìn"),
    (1665978, "một triệu sáu trăm sáu mươi lăm nghìn chín trăm bảy mươi tám"),
    (1000005, "một triệu không trăm linh năm"),
    (1005000, "một triệu không trăm linh năm nghìn"),
    (1000000001, "một tỷ không trăm linh một"),
    (1500000000000, "một nghìn năm trăm tỷ"),
    (2000000000000, "hai nghìn tỷ"),
    (1000001000000, "một nghìn tỷ không trăm linh một triệu"),
    (10**18, "một tỷ tỷ"),
]


@pytest.mark.parametrize(("value", "words"), INTEGERS)
def test_integers(value: int, words: str) -> None:
    assert read_int(value) == words


# --- the reading table: sentences as written in the news, and as said ------------------

CASES = [
    # numbers with Vietnamese separators
    ("Dân số 1.665.978 người.", "Dân số một triệu sáu trăm sáu mươi lăm nghìn chín trăm bảy mươi tám người."),
    ("Dự án 2.000 tỷ đồng.", "Dự án hai nghìn tỷ đồng."),
    ("Tổng tài sản đạt 1.326.230 tỷ đồng", "Tổng tài sản đạt một triệu ba trăm hai mươi sáu nghìn hai trăm ba mươi tỷ đồng"),
    ("VN-Index tăng lên 1.237,73 điểm.", "vê nờ in-đếch tăng lên một nghìn hai trăm ba mươi bảy phẩy bảy mươi ba điểm."),
    ("Lãi suất giảm 0,5%.", "Lãi suất giảm không phẩy năm phần trăm."),
    ("Tỷ lệ 0,05%", "Tỷ lệ không phẩy không năm phần trăm"),
    ("tăng 2,33%", "tăng hai phẩy ba mươi ba phần trăm"),
    ("số π xấp xỉ 3,14159", "số π xấp xỉ ba phẩy một bốn một năm chín"),
    ("Có 105 hộ dân và 1.005 người.", "Có một trăm linh năm hộ dân và một nghìn không trăm linh năm người."),
    ("Khoảng 21 xã, 24 phường, 25 thị trấn.", "Khoảng hai mươi mốt xã, hai mươi tư phường, hai mươi lăm thị trấn."),
    ("Có 11 người, 14 xe và 15 tàu.", "Có mười một người, mười bốn xe và mười lăm tàu."),
    ("Học phí là 46,800,000 đồng.", "Học phí là bốn mươi sáu triệu tám trăm nghìn đồng."),
    ("Thu 02 lọ thuốc.", "Thu hai lọ thuốc."),
    ("Bán 1.5 tấn gạo.", "Bán một phẩy năm tấn gạo."),
    ("Phiên bản 2.0 ra mắt.", "Phiên bản hai chấm không ra mắt."),
    ("nặng 6.6kg", "nặng sáu phẩy sáu ki lô gam"),
    ("Tập đoàn đạt868 tỷ đồng", "Tập đoàn đạt tám trăm sáu mươi tám tỷ đồng"),
    ("Thu ngân sách 1.500.000.000.000 đồng.", "Thu ngân sách một nghìn năm trăm tỷ đồng."),
    ("Có 100 người.", "Có một trăm người."),
    # years, dates
    ("Năm 2025 là năm bản lề.", "Năm hai nghìn không trăm hai mươi lăm là năm bản lề."),
    ("Quán mở từ năm 1979.", "Quán mở từ năm một nghìn chín trăm bảy mươi chín."),
    ("Ngày 28/05/2021, tỉnh tổ chức hội nghị.", "Ngày hai mươi tám tháng năm năm hai nghìn không trăm hai mươi mốt, tỉnh tổ chức hội nghị."),
    ("Hội nghị diễn ra 28/05/2021.", "Hội nghị diễn ra ngày hai mươi tám tháng năm năm hai nghìn không trăm hai mươi mốt."),
    ("ngày 1/5/2021", "ngày mồng một tháng năm năm hai nghìn không trăm hai mươi mốt"),
    ("ngày 02.10.2015", "ngày mồng hai tháng mười năm hai nghìn không trăm mười lăm"),
    ("Văn bản ngày 13-4-2021 của Sở.", "Văn bản ngày mười ba tháng tư năm hai nghìn không trăm hai mươi mốt của Sở."),
    ("Sáng 28/5, đoàn đến thăm.", "Sáng ngày hai mươi tám tháng năm, đoàn đến thăm."),
    ("Ngày 28/5, đoàn đến thăm.", "Ngày hai mươi tám tháng năm, đoàn đến thăm."),
    ("Chiều 4-4, bác sĩ cho biết.", "Chiều ngày mồng bốn tháng tư, bác sĩ cho biết."),
    ("Mồng 2/9 là Quốc khánh.", "Mồng hai tháng chín là Quốc khánh."),
    ("Hà Nội (28/5) - Mưa lớn.", "Hà Nội (ngày hai mươi tám tháng năm) - Mưa lớn."),
    ("có hiệu lực từ 1/7", "có hiệu lực từ ngày mồng một tháng bảy"),
    ("hóa đơn ngày 22/4 và 23/4", "hóa đơn ngày hai mươi hai tháng tư và ngày hai mươi ba tháng tư"),
    ("Từ ngày 28-30/5, trường nghỉ.", "Từ ngày hai mươi tám đến ba mươi tháng năm, trường nghỉ."),
    ("Tháng 12/2020 có mưa.", "Tháng mười hai năm hai nghìn không trăm hai mươi có mưa."),
    ("Từ 12/2020 đến nay.", "Từ tháng mười hai năm hai nghìn không trăm hai mươi đến nay."),
    ("Từ tháng 4-2002, ông là thứ trưởng.", "Từ tháng tư năm hai nghìn không trăm linh hai, ông là thứ trưởng."),
    ("trong tháng 4 này", "trong tháng tư này"),
    ("sinh ngày 2 tháng 10 năm 1997", "sinh ngày mồng hai tháng mười năm một nghìn chín trăm chín mươi bảy"),
    ("Đầu tháng 1 và cuối tháng 11.", "Đầu tháng một và cuối tháng mười một."),
    ("Quý IV/2020 tăng trưởng.", "Quý bốn năm hai nghìn không trăm hai mươi tăng trưởng."),
    ("trong quý I/2021", "trong quý một năm hai nghìn không trăm hai mươi mốt"),
    ("quý 3 năm nay", "quý ba năm nay"),
    ("Khoảng 1/3 dân số.", "Khoảng một phần ba dân số."),
    ("đã nghiệm thu 5/5 hạng mục", "đã nghiệm thu năm trên năm hạng mục"),
    ("trực 24/7", "trực hai mươi tư trên bảy"),
    # times
    ("Lúc 14h30, xe đến.", "Lúc mười bốn giờ ba mươi phút, xe đến."),
    ("Họp từ 14h.", "Họp từ mười bốn giờ."),
    ("từ 9h sáng đến 11h đêm", "từ chín giờ sáng đến mười một giờ đêm"),
    ("Đến 22h05 cùng ngày.", "Đến hai mươi hai giờ năm phút cùng ngày."),
    ("Khai mạc lúc 8 giờ 30.", "Khai mạc lúc tám giờ ba mươi."),
    ("Mở cửa 08:30 sáng.", "Mở cửa tám giờ ba mươi phút sáng."),
    ("lúc 7h30', trước cổng trường", "lúc bảy giờ ba mươi phút, trước cổng trường"),
    ("Mở cửa tới 6:00 sáng.", "Mở cửa tới sáu giờ sáng."),
    ("vào 14g30 chiều", "vào mười bốn giờ ba mươi phút chiều"),
    ("làm việc 8h-10h", "làm việc tám giờ đến mười giờ"),
    ("tỷ lệ góp vốn 50:50", "tỷ lệ góp vốn năm mươi năm mươi"),
    ("nghe nhạc từ 8g-10g", "nghe nhạc từ tám giờ đến mười giờ"),
    ("lúc 8g sáng", "lúc tám giờ sáng"),
    ("thêm 5g muối", "thêm năm gam muối"),
    ("về đích sau 36h36'31\"", "về đích sau ba mươi sáu giờ ba mươi sáu phút ba mươi mốt giây"),
    ("Hôm 18/4, đại diện công đoàn", "Hôm mười tám tháng tư, đại diện công đoàn"),
    ("kể từ tháng 1-8/2020", "kể từ tháng một đến tháng tám năm hai nghìn không trăm hai mươi"),
    # ranges
    ("Giai đoạn 2021 - 2025.", "Giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm."),
    ("nhiệm kỳ 2021-2026", "nhiệm kỳ hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi sáu"),
    ("Chiếm 70-80% dân số.", "Chiếm bảy mươi đến tám mươi phần trăm dân số."),
    ("tiết kiệm 8%-12%", "tiết kiệm tám phần trăm đến mười hai phần trăm"),
    ("tạ tay 3-5kg", "tạ tay ba đến năm ki lô gam"),
    ("phát thải 1,8-2 tấn", "phát thải một phẩy tám đến hai tấn"),
    ("thu nhập từ 5 -7 triệu đồng", "thu nhập từ năm đến bảy triệu đồng"),
    ("từ 2021 đến 2025", "từ hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm"),
    ("Barcelona thắng 2-1.", "Barcelona thắng hai một."),
    ("với tỷ số 1-1", "với tỷ số một một"),
    ("sơ đồ 4-4-2", "sơ đồ bốn bốn hai"),
    ("khoảng 50.000-100.000 tinh trùng", "khoảng năm mươi nghìn đến một trăm nghìn tinh trùng"),
    # ordinals
    ("Thứ 2, ngày 28/5", "Thứ hai, ngày hai mươi tám tháng năm"),
    ("lần thứ 4", "lần thứ tư"),
    ("lần thứ 1", "lần thứ nhất"),
    ("về thứ 21", "về thứ hai mươi mốt"),
    ("Giải thứ nhất", "Giải thứ nhất"),
    ("Cách mạng công nghiệp lần thứ 4.", "Cách mạng công nghiệp lần thứ tư."),
    # Roman numerals in context
    ("Đại hội XIII của Đảng", "Đại hội mười ba của Đảng"),
    ("Đại hội Đảng lần thứ XIII", "Đại hội Đảng lần thứ mười ba"),
    ("thế kỷ XXI", "thế kỷ hai mươi mốt"),
    ("Quốc hội khóa XV", "Quốc hội khóa mười lăm"),
    ("lần thứ IV", "lần thứ tư"),
    ("lần thứ I", "lần thứ nhất"),
    ("Chiến tranh thế giới thứ II", "Chiến tranh thế giới thứ hai"),
    ("Bệnh viện hạng I", "Bệnh viện hạng một"),
    ("Chương II", "Chương hai"),
    ("Vua Louis XIV", "Vua Louis mười bốn"),
    ("Vitamin C và nhóm máu A", "Vitamin xê và nhóm máu A"),
    ("Tôi là V", "Tôi là vê"),
    # units
    ("Diện tích 10.000m2.", "Diện tích mười nghìn mét vuông."),
    ("căn hộ 50 m²", "căn hộ năm mươi mét vuông"),
    ("chứa 180.000 m3 khí", "chứa một trăm tám mươi nghìn mét khối khí"),
    ("hồ chứa 70 triệu m3 nước", "hồ chứa bảy mươi triệu mét khối nước"),
    ("trên diện tích 2.000ha", "trên diện tích hai nghìn héc ta"),
    ("cách 50km", "cách năm mươi ki lô mét"),
    ("chạy 60km/h", "chạy sáu mươi ki lô mét trên giờ"),
    ("hàng trăm km đường", "hàng trăm ki lô mét đường"),
    ("đỉnh lũ 15.571,47 m3/s", "đỉnh lũ mười lăm nghìn năm trăm bảy mươi mốt phẩy bốn mươi bảy mét khối trên giây"),
    ("nhiệt độ 39,5°C", "nhiệt độ ba mươi chín phẩy năm độ xê"),
    ("nhiệt độ 39oC", "nhiệt độ ba mươi chín độ xê"),
    ("xuống -5°C", "xuống âm năm độ xê"),
    ("nhiệt độ có thể xuống tới -10 độ C", "nhiệt độ có thể xuống tới âm mười độ xê"),
    ("thu hoạch 5 tấn", "thu hoạch năm tấn"),
    ("mua 2kg hết 300.000đ", "mua hai ki lô gam hết ba trăm nghìn đồng"),
    ("quả nặng 300g", "quả nặng ba trăm gam"),
    ("thủy điện dưới 3MW", "thủy điện dưới ba mê ga oát"),
    ("từ 378MWp lên 9.583MWp", "từ ba trăm bảy mươi tám mê ga oát đỉnh lên chín nghìn năm trăm tám mươi ba mê ga oát đỉnh"),
    ("tiêu thụ 200 kWh mỗi tháng", "tiêu thụ hai trăm ki lô oát giờ mỗi tháng"),
    ("tần số 90Hz", "tần số chín mươi héc"),
    ("tốc độ 300Mbps", "tốc độ ba trăm mê ga bít trên giây"),
    ("đĩa 510 GB", "đĩa năm trăm mười gi ga bai"),
    ("lưới điện 220 kV", "lưới điện hai trăm hai mươi ki lô vôn"),
    # money
    ("giá 70,42 USD/thùng", "giá bảy mươi phẩy bốn mươi hai đô la Mỹ một thùng"),
    ("vốn 5 triệu USD", "vốn năm triệu đô la Mỹ"),
    ("giá 50.000 đồng/kg", "giá năm mươi nghìn đồng một ki lô gam"),
    ("mức 55,15 triệu đồng/lượng", "mức năm mươi lăm phẩy mười lăm triệu đồng một lượng"),
    ("giá 1.650.000 đồng/đêm", "giá một triệu sáu trăm năm mươi nghìn đồng một đêm"),
    ("trị giá 100 VNĐ", "trị giá một trăm đồng"),
    ("chỉ $5", "chỉ năm đô la"),
    ("thu US$2 tỷ", "thu hai tỷ đô la Mỹ"),
    ("giá 20 EUR", "giá hai mươi ơ rô"),
    ("công suất 2.000 con/giờ", "công suất hai nghìn con một giờ"),
    ("tỷ lệ 70-80% số hộ", "tỷ lệ bảy mươi đến tám mươi phần trăm số hộ"),
    ("nhóm liều 25mcg", "nhóm liều hai mươi lăm mi crô gam"),
    ("xuống tới -70 ⁰C", "xuống tới âm bảy mươi độ xê"),
    # phone numbers and codes
    ("Đường dây nóng: 0912.345.678", "Đường dây nóng: không chín một hai, ba bốn năm, sáu bảy tám"),
    ("Gọi 0912345678 ngay.", "Gọi không chín một hai, ba bốn năm, sáu bảy tám ngay."),
    ("HOTLINE: 0966.966.819", "HOTLINE: không chín sáu sáu, chín sáu sáu, tám một chín"),
    ("ĐT: 024 3825 1234", "đê tê: không hai bốn, ba tám hai năm, một hai ba bốn"),
    ("tổng đài 1900 1234", "tổng đài một chín không không, một hai ba bốn"),
    ("gọi +84 912 345 678", "gọi cộng tám tư, chín một hai, ba bốn năm, sáu bảy tám"),
    ("mã số 0123", "mã số không một hai ba"),
    ("tài khoản 19036688686011", "tài khoản một chín không ba sáu sáu tám tám sáu tám sáu không một một"),
    ("Số 12 Lê Lợi", "Số mười hai Lê Lợi"),
    ("chuyến bay VJ963", "chuyến bay vê giây chín sáu ba"),
    ("virus H5N1", "virus hát năm nờ một"),
    ("nhóm G7", "nhóm giê bảy"),
    ("ca F0 và F1", "ca ép không và ép một"),
    ("gạo ST25", "gạo ét tê hai mươi lăm"),
    ("mạng 5G", "mạng năm giê"),
    ("thông điệp 5K", "thông điệp năm ca"),
    ("biến thể B.1.617", "biến thể bê chấm một chấm sáu một bảy"),
    ("biến thể B1.1.7", "biến thể bê một chấm một chấm bảy"),
    ("Tiêm chủng Covid -19", "Tiêm chủng Cô-vít mười chín"),
    ("dịch Covid-19", "dịch Cô-vít mười chín"),
    ("tiêm vắc xin COVID-19", "tiêm vắc xin Cô-vít mười chín"),
    ("virus SARS-CoV-2", "virus Sác Cô Vi hai"),
    ("Xem tại dantri.com.vn", "Xem tại dantri chấm com chấm vn"),
    ("Email: cskh@intech.vn.", "Email: cskh a còng intech chấm vn."),
    ("Truy cập https://dichvucong.gov.vn/p/home.", "Truy cập dichvucong chấm gov chấm vn gạch chéo p gạch chéo home."),
    # document numbers
    ("Nghị định 100/2019/NĐ-CP", "Nghị định một trăm trên hai nghìn không trăm mười chín trên nờ đê xê pê"),
    ("Thông tư 26/2020/TT-BTTTT", "Thông tư hai mươi sáu trên hai nghìn không trăm hai mươi trên tê tê bê tê tê tê tê"),
    ("văn bản số 1191/UBND-KGVX ngày 22/4/2021", "văn bản số một nghìn một trăm chín mươi mốt trên u bê nờ đê ca giê vê ích ngày hai mươi hai tháng tư năm hai nghìn không trăm hai mươi mốt"),
    ("Chỉ thị số 06/CT-BYT", "Chỉ thị số sáu trên xê tê bê i tê"),
    ("Quyết định 15/QĐ-TTg", "Quyết định mười lăm trên quy đê tê tê giê"),
    ("Nghị quyết 52/2017 của Quốc hội", "Nghị quyết năm mươi hai trên hai nghìn không trăm mười bảy của Quốc hội"),
    ("Luật số 34/2018/QH14", "Luật số ba mươi tư trên hai nghìn không trăm mười tám trên quy hát mười bốn"),
    # abbreviations
    ("UBND tỉnh Nghệ An", "Ủy ban nhân dân tỉnh Nghệ An"),
    ("HĐND và UBND các cấp", "Hội đồng nhân dân và Ủy ban nhân dân các cấp"),
    ("Ủy ban MTTQ Việt Nam", "Ủy ban Mặt trận Tổ quốc Việt Nam"),
    ("Tại TP.HCM, trời mưa.", "Tại Thành phố Hồ Chí Minh, trời mưa."),
    ("Trung tâm TP. Hà Tĩnh", "Trung tâm thành phố Hà Tĩnh"),
    ("TP Đà Nẵng", "thành phố Đà Nẵng"),
    ("Sở GD&ĐT Hà Nội", "Sở Giáo dục và Đào tạo Hà Nội"),
    ("Bộ GD&ĐT vừa công bố", "Bộ Giáo dục và Đào tạo vừa công bố"),
    ("ngành GD&ĐT", "ngành Giáo dục và Đào tạo"),
    ("Trường THPT Chu Văn An và THCS Cầu Giấy", "Trường trung học phổ thông Chu Văn An và trung học cơ sở Cầu Giấy"),
    ("phát triển KT-XH", "phát triển kinh tế - xã hội"),
    ("đóng BHXH, BHYT", "đóng bảo hiểm xã hội, bảo hiểm y tế"),
    ("lực lượng CSGT", "lực lượng cảnh sát giao thông"),
    ("ứng dụng CNTT", "ứng dụng công nghệ thông tin"),
    ("các ĐBQH tỉnh", "các đại biểu Quốc hội tỉnh"),
    ("Bộ LĐ-TB&XH", "Bộ Lao động - Thương binh và Xã hội"),
    ("PGS.TS Nguyễn Văn A", "phó giáo sư, tiến sĩ Nguyễn Văn A"),
    ("GS. Trần", "giáo sư Trần"),
    ("Anh ở TP.", "Anh ở thành phố."),
    ("Tại TP.Vinh", "Tại thành phố Vinh"),
    ("UBNDT", "u bê nờ đê tê"),
    ("Công ty TNHH ABC", "Công ty trách nhiệm hữu hạn a bê xê"),
    ("khối ASEAN", "khối A-xê-an"),
    ("gia nhập WTO", "gia nhập vê kép tê ô"),
    ("bệnh HIV", "bệnh hát i vê"),
    ("tổ chức WHO", "tổ chức vê kép hát ô"),
    ("GDP tăng", "giê đê pê tăng"),
    ("cổ phiếu AAA tăng", "cổ phiếu a a a tăng"),
    ("giá vàng SJC", "giá vàng ét giây xê"),
    ("Trường CĐ Cơ điện", "Trường cao đẳng Cơ điện"),
    ("Liên minh châu Âu (EU)", "Liên minh châu Âu (e u)"),
    ("THÔNG BÁO KHẨN", "THÔNG BÁO KHẨN"),
    ("R&D", "rờ và đê"),
    ("v.v. đều tăng", "vân vân đều tăng"),
    # end mark, whitespace, Unicode forms
    ("Kết thúc hội nghị./.", "Kết thúc hội nghị."),
    ("Kết thúc hội nghị ./.", "Kết thúc hội nghị."),
    ("Ngày\u00a028/5,\u00a0UBND\u2009tỉnh", "Ngày hai mươi tám tháng năm, Ủy ban nhân dân tỉnh"),
    ("Hà\u200bNội", "HàNội"),
    ("Ngày 28/5\u00a0./.", "Ngày hai mươi tám tháng năm."),
    ("Dòng một\r\nDòng 2", "Dòng một\nDòng hai"),
    ("Tăng ５%", "Tăng năm phần trăm"),
    ("Có ½ số người", "Có một phần hai số người"),
    ("A &amp; B", "A và bê"),
    # symbols and leftovers
    ("Kết quả: 2 + 2 = 4", "Kết quả: hai cộng hai bằng bốn"),
    ("(+5 điểm)", "(cộng năm điểm)"),
    ("màn hình 800x345", "màn hình tám trăm nhân ba trăm bốn mươi lăm"),
    ("dịp 30/4", "dịp ngày ba mươi tháng tư"),
    ("Điểm sàn là 15.", "Điểm sàn là mười lăm."),
    ("(SN 1986, trú tại xã)", "(sinh năm một nghìn chín trăm tám mươi sáu, trú tại xã)"),
    ("Chiến tranh Lạnh (1947-1991)", "Chiến tranh Lạnh (một nghìn chín trăm bốn mươi bảy đến một nghìn chín trăm chín mươi mốt)"),
    ("vòng 11 V-League", "vòng mười một vê-League"),
    ("GMD -600 đồng", "giê mờ đê âm sáu trăm đồng"),
    ("\"Giai đoạn 2022-2027\".", "\"Giai đoạn hai nghìn không trăm hai mươi hai đến hai nghìn không trăm hai mươi bảy\"."),
    ("", ""),
]


@pytest.mark.parametrize(("written", "spoken"), CASES, ids=[c[0][:40] or "empty" for c in CASES])
def test_reading_table(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


def test_the_table_is_large() -> None:
    assert len(CASES) >= 150


def test_nfd_input_reads_like_nfc() -> None:
    text = "Ngày 28/5, UBND tỉnh Thừa Thiên Huế họp về KT-XH."
    assert normalize(unicodedata.normalize("NFD", text)) == normalize(text)
    assert normalize(unicodedata.normalize("NFD", "Sở GD&ĐT")) == "Sở Giáo dục và Đào tạo"


def test_a_whole_article_keeps_its_lines() -> None:
    article = "UBND tỉnh họp ngày 28/5.\nDự kiến chi 2.000 tỷ đồng.\n\nHết./."
    assert normalize(article) == (
        "Ủy ban nhân dân tỉnh họp ngày hai mươi tám tháng năm.\nDự kiến chi hai nghìn tỷ đồng.\n\nHết."
    )


# --- no digit is ever left for the voice to guess ------------------------------------------

_NUMBERISH = st.one_of(
    st.integers(0, 10**20).map(str),
    st.integers(0, 10**12).map(lambda n: f"{n:,}".replace(",", ".")),
    st.tuples(st.integers(0, 10**6), st.integers(0, 999)).map(lambda p: f"{p[0]},{p[1]}"),
    st.sampled_from(["28/5", "28/05/2021", "12/2020", "14h30", "70-80%", "0912.345.678", "10.000m2", "-5°C",
                     "100/2019/NĐ-CP", "B.1.617", "H5N1", "1.5", "8:30", "24/7", "thứ 2", "quý IV/2020", "½", "²"]),
)  # fmt: skip
_WORDS = st.sampled_from(["ngày", "tháng", "năm", "UBND", "TP.", "số", "thứ", "từ", "-", "/", ".", ",", "%", "(", ")"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_NUMBERISH, _WORDS, st.text(max_size=8)), max_size=12), st.sampled_from([" ", "", "\n"]))
def test_no_digit_survives(pieces: list[str], glue: str) -> None:
    spoken = normalize(glue.join(pieces))
    assert not any(ch.isdigit() for ch in spoken), spoken


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_is_accepted_and_keeps_no_digit(text: str) -> None:
    spoken = normalize(text)
    assert isinstance(spoken, str)
    assert not any(ch.isdigit() for ch in spoken), spoken


# --- sentences ---------------------------------------------------------------------------------

SPLITS = [
    ("Dân số 1.665.978 người. Năm sau tăng.", ["Dân số 1.665.978 người.", "Năm sau tăng."]),
    ("Tại TP.HCM trời mưa. Hà Nội nắng.", ["Tại TP.HCM trời mưa.", "Hà Nội nắng."]),
    ("Ngày 28/5. Ngày 29/5.", ["Ngày 28/5.", "Ngày 29/5."]),
    ("Tăng 0,5% và 1.5 lần. Giảm 2,3.", ["Tăng 0,5% và 1.5 lần.", "Giảm 2,3."]),
    ("TS. Nguyễn Văn A đến TP. Vinh. Ông nói.", ["TS. Nguyễn Văn A đến TP. Vinh.", "Ông nói."]),
    ("Anh Nguyễn V. An đến.", ["Anh Nguyễn V. An đến."]),
    ("PGS.TS. Lưu Văn An nói. Hết.", ["PGS.TS. Lưu Văn An nói.", "Hết."]),
    ("1. Giấy khai sinh. 2. Sổ hộ khẩu.", ["1. Giấy khai sinh.", "2. Sổ hộ khẩu."]),
    ("Ông nói: “Tôi không biết… Có lẽ vậy.” Sau đó ông đi.", ["Ông nói: “Tôi không biết… Có lẽ vậy.”", "Sau đó ông đi."]),
    ('Anh nói "Tôi đi... Anh ở lại" rồi đi.', ['Anh nói "Tôi đi... Anh ở lại" rồi đi.']),
    ("Đã xong... nhưng chưa. Còn nữa? Có!", ["Đã xong... nhưng chưa.", "Còn nữa?", "Có!"]),
    ("Hết giờ. Đây là hai. Ở đó có ba. Ủy ban họp.", ["Hết giờ.", "Đây là hai.", "Ở đó có ba.", "Ủy ban họp."]),
    ("“Đi đi!” anh nói.", ["“Đi đi!” anh nói."]),
    ("Kết thúc./.", ["Kết thúc./."]),
    ("Kết thúc hội nghị./. Nơi nhận", ["Kết thúc hội nghị./.", "Nơi nhận"]),
    ("Dòng một\nDòng hai\n\n  Dòng ba  ", ["Dòng một", "Dòng hai", "Dòng ba"]),
    ("Xem dantri.com.vn. Hết.", ["Xem dantri.com.vn.", "Hết."]),
    ("Năm 2020. 5 người chết.", ["Năm 2020.", "5 người chết."]),
    ("Thủ tướng (ảnh). (Ảnh: TTXVN)", ["Thủ tướng (ảnh).", "(Ảnh: TTXVN)"]),
    ("Ông hỏi: Vì sao? - Không rõ.", ["Ông hỏi: Vì sao?", "- Không rõ."]),
    ("Giá tăng v.v. và nhiều thứ khác.", ["Giá tăng v.v. và nhiều thứ khác."]),
    ("Ngày\u00a028/5.\u00a0UBND họp.", ["Ngày\u00a028/5.", "UBND họp."]),
    ("", []),
    ("   \n  ", []),
]


@pytest.mark.parametrize(("text", "sentences"), SPLITS)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


@given(st.text())
def test_sentence_spans_are_exact_stripped_substrings(text: str) -> None:
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == split_sentences(text)
    assert all(text[s:e] == text[s:e].strip() and e > s for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_split_then_normalize_keeps_each_sentence_punctuation() -> None:
    text = "UBND TP.HCM họp ngày 28/5. Dự án 2.000 tỷ đồng! Có đúng không? Hết./."
    spoken = [normalize(s) for s in split_sentences(text)]
    assert spoken == [
        "Ủy ban nhân dân Thành phố Hồ Chí Minh họp ngày hai mươi tám tháng năm.",
        "Dự án hai nghìn tỷ đồng!",
        "Có đúng không?",
        "Hết.",
    ]


# --- the abbreviations file staff edit ---------------------------------------------------------


def test_staff_can_add_an_abbreviation(tmp_path: Path) -> None:
    shipped = (Path(__file__).resolve().parents[1] / "speech" / "data" / "pronunciations.tsv").read_text("utf-8")
    extended = tmp_path / "pronunciations.tsv"
    extended.write_text(shipped + "\n# thêm\nBQLDA\tBan Quản lý dự án\n", encoding="utf-8")
    normalizer = Normalizer.from_file(extended)
    assert normalizer("BQLDA tỉnh và UBND tỉnh") == "Ban Quản lý dự án tỉnh và Ủy ban nhân dân tỉnh"
    assert normalize("BQLDA tỉnh") == "bê quy lờ đê a tỉnh"  # the shipped table does not know it


def test_matching_is_case_sensitive_whole_word_and_longest_first() -> None:
    table = Abbreviations.from_pairs({"TP": "thành phố", "TP.HCM": "Thành phố Hồ Chí Minh", "HS": "học sinh"})
    assert table.expand("TP.HCM và TP Huế") == "Thành phố Hồ Chí Minh và thành phố Huế"
    assert table.expand("Tp Huế, TPP, HSG, hs") == "Tp Huế, TPP, HSG, hs"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("UBND Ủy ban nhân dân\n", "dòng 1: cần đúng hai cột"),
        ("# ghi chú\n\nUBND\tỦy ban\tthừa\n", "dòng 3: cần đúng hai cột"),
        ("UBND\t\n", "dòng 1: cần đúng hai cột"),
        ("UBND\tỦy ban\nUBND\tỦy ban nhân dân\n", "dòng 2: viết tắt “UBND” đã có"),
        ("F1\tép một\n", None),
        ("1A\tmột a\n", "phải bắt đầu bằng một chữ cái"),
        ("QL1A\tquốc lộ 1A\n", "không được chứa chữ số"),
    ],
)
def test_abbreviation_file_errors_name_the_line(content: str, message: str | None) -> None:
    if message is None:
        assert parse_tsv(content, "x.tsv") == {"F1": "ép một"}
        return
    with pytest.raises(AbbreviationFileError, match=re.escape(message)):
        parse_tsv(content, "x.tsv")


def test_the_shipped_file_loads_and_documents_its_format() -> None:
    path = Path(__file__).resolve().parents[1] / "speech" / "data" / "pronunciations.tsv"
    header = path.read_text("utf-8").split("\n\n")[0]
    assert "<TAB>" in header and "phân biệt chữ hoa/thường" in header
    table = Abbreviations.load(path)
    assert len(table.expansions) >= 100
    # Meanings come from search's dictionary; speech's own readings win over them.
    assert table.expansions["UBND"] == "Ủy ban nhân dân"
    assert table.expansions["ĐH"] == "đại học"  # the first of its two senses
    assert table.expansions["EU"] == "e u"
    assert "UBND" not in parse_tsv(path.read_text("utf-8"), str(path))  # no meaning kept twice


def test_a_decomposed_or_bom_file_still_matches(tmp_path: Path) -> None:
    path = tmp_path / "abbreviations.tsv"
    path.write_bytes(b"\xef\xbb\xbf" + unicodedata.normalize("NFD", "HĐND\tHội đồng nhân dân\n").encode())
    assert Normalizer.from_file(path)("HĐND tỉnh") == "Hội đồng nhân dân tỉnh"


# --- threads -------------------------------------------------------------------------------------


def test_same_results_from_eight_threads() -> None:
    texts = [text for text, _ in CASES] * 8
    expected = [normalize(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(normalize, texts))
        splits = list(pool.map(split_sentences, texts))
    assert got == expected
    assert splits == [split_sentences(text) for text in texts]


# --- command line ----------------------------------------------------------------------------------


def test_cli_normalizes_its_argument() -> None:
    result = CliRunner().invoke(main, ["speech", "normalize", "Ngày 28/5, UBND tỉnh chi 2.000 tỷ đồng./."])
    assert result.exit_code == 0, result.output
    assert result.output == "Ngày hai mươi tám tháng năm, Ủy ban nhân dân tỉnh chi hai nghìn tỷ đồng.\n"


def test_cli_joins_unquoted_words() -> None:
    result = CliRunner().invoke(main, ["speech", "normalize", "quý", "IV/2020"])
    assert result.output == "quý bốn năm hai nghìn không trăm hai mươi\n"


def test_cli_reads_standard_input_line_by_line_in_order() -> None:
    lines = ["Ngày 28/05/2021", "", "70-80%", "Hết./."]
    result = CliRunner().invoke(main, ["speech", "normalize", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert result.output.split("\n")[:-1] == [normalize(line) for line in lines]
    assert result.output.count("\n") == len(lines)


def test_cli_without_text_says_what_it_needs_in_vietnamese() -> None:
    result = CliRunner().invoke(main, ["speech", "normalize"])
    assert result.exit_code == 2
    assert "Cần văn bản để đọc" in result.output


def test_cli_answers_each_line_before_the_next_arrives() -> None:
    """A pipe stays interactive: the first answer comes back while standard input is still open."""
    command = [sys.executable, "-c", "from web.cli import main; main()", "speech", "normalize", "-"]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8") as child:
        answers = []
        for line in ["Ngày 28/5", "UBND tỉnh"]:
            child.stdin.write(line + "\n")
            child.stdin.flush()
            ready, _, _ = select.select([child.stdout], [], [], 20)
            assert ready, "no answer while input is still open"
            answers.append(child.stdout.readline().rstrip("\n"))
        child.stdin.close()
        assert child.wait(20) == 0
    assert answers == ["Ngày hai mươi tám tháng năm", "Ủy ban nhân dân tỉnh"]


# --- real articles (only where ../shared is present) -------------------------------------------------


def test_real_articles_leave_no_digit_and_split_cleanly(shared: Path) -> None:
    path = shared / "corpus" / "uvn_dantri_2020_2021.jsonl"
    with path.open(encoding="utf-8") as lines:
        articles = [json.loads(next(lines)) for _ in range(200)]
    for article in articles:
        for sentence in split_sentences(article["title"] + "\n" + article["body"]):
            spoken = normalize(sentence)
            assert not re.search(r"\d", spoken), (sentence, spoken)
            assert sentence[-1] not in ".!?" or spoken.endswith(sentence[-1]) or sentence.endswith("./."), (
                sentence,
                spoken,
            )


