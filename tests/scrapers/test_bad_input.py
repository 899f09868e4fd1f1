"""Bad input through the public entry point: refused with NotAnArticle, never another error."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fincorpus.corpus.errors import NotAnArticle
from fincorpus.corpus.model import Article
from fincorpus.scrapers.extract import MAX_PAGE_BYTES, extract
from fincorpus.scrapers.textcopy import TextCopyExtractor

PARAGRAPHS = [
    "美国财政部周一公布的数据显示,主要海外投资者在十一月份继续调整美国国债持仓,其中部分亚洲央行的减持幅度超出市场预期,"
    "分析人士认为这反映了外汇储备管理策略的长期变化。",
    "多位接受采访的经济学家表示,储备多元化并不意味着对美元资产的全面抛售,而是在收益率、流动性与安全性之间重新寻找平衡,"
    "黄金与其他主要货币资产的占比因此逐步上升。",
    "与此同时,市场也在关注美国财政赤字的走势。若利息支出继续攀升,长期国债收益率可能维持在较高水平,这将对全球资本流动产生持续影响,"
    "新兴市场的汇率与股市也会随之波动。",
    "报道还指出,未来几个月的政策走向仍存在较大不确定性,投资者需要密切关注美联储的利率决议以及主要经济体之间的贸易谈判进展,"
    "以便及时调整资产配置。",
]
TRADITIONAL = [
    "美國財政部週一公布的數據顯示,主要海外投資者在十一月份繼續調整美國國債持倉,其中部分亞洲央行的減持幅度超出市場預期,"
    "分析人士認為這反映了外匯儲備管理策略的長期變化。",
    "多位接受採訪的經濟學家表示,儲備多元化並不意味著對美元資產的全面拋售,而是在收益率、流動性與安全性之間重新尋找平衡,"
    "黃金與其他主要貨幣資產的佔比因此逐步上升。",
    "與此同時,市場也在關注美國財政赤字的走勢。若利息支出繼續攀升,長期國債收益率可能維持在較高水平,這將對全球資本流動產生持續影響。",
]


def news_page(paragraphs: list[str] = PARAGRAPHS, charset: str = "utf-8") -> str:
    """A small generic news page: a title, a date line and an article div of long paragraphs."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html>\n<html><head><meta charset="{charset}">'
            "<title>海外央行调整美债持仓_示例财经网</title></head>\n<body>\n"
            '<div class="nav"><a href="/">首页</a> <a href="/finance">财经</a></div>\n'
            "<h1>海外央行调整美债持仓</h1>\n<div class=\"info\">2026-01-05 09:30:00 来源:示例财经网</div>\n"
            f'<div class="article">\n{body}\n</div>\n'
            '<div class="footer">关于我们 | 联系方式 | 版权所有</div>\n</body></html>\n')


def _article_or_refusal(data: bytes, **kwargs) -> Article | NotAnArticle:
    """Run extract(); an Article or the NotAnArticle it raised, any other error fails the test."""
    try:
        return extract(data, **kwargs)
    except NotAnArticle as error:
        return error


def _kind(data: bytes, **kwargs) -> str:
    """The NotAnArticle kind extract() refuses the bytes with."""
    with pytest.raises(NotAnArticle) as error:
        extract(data, **kwargs)
    return error.value.kind


# --- empty and binary ------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b" ", b"\n\n", b" \t\r\n \r\n\x0b\x0c"], ids=repr)
def test_empty_and_whitespace_files(data: bytes) -> None:
    assert _kind(data) == "empty-file"


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf \n", "\u3000\n\u3000".encode(),
                                  "\ufeff  ".encode("utf-16")], ids=repr)
def test_blank_after_decoding_is_an_empty_file(data: bytes) -> None:
    assert _kind(data) == "empty-file"


def test_png_header() -> None:
    data = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + random.Random(1).randbytes(512)
    assert _kind(data) == "binary"


def test_nul_bytes() -> None:
    assert _kind("外汇储备".encode() + b"\x00\x00\x00" + "美债".encode()) == "binary"


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_random_bytes(seed: int) -> None:
    assert _kind(random.Random(seed).randbytes(8192)) == "binary"


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_random_bytes_without_nul_that_decode_to_garbage(seed: int) -> None:
    data = random.Random(seed).randbytes(8192).replace(b"\x00", b"")
    for magic in (b"\x89PNG", b"\xff\xd8\xff", b"\x1f\x8b", b"GIF8", b"%PDF", b"PK\x03\x04"):
        data = data.removeprefix(magic)
    assert _kind(data) == "binary"


def test_control_characters_in_text_are_binary() -> None:
    assert _kind(bytes(range(1, 32)) * 64) == "binary"


# --- size ------------------------------------------------------------------------------------

def test_twenty_megabyte_page_is_refused_quickly() -> None:
    page = news_page().encode()
    data = page.replace(b"</body>", b"<!--" + b" " * (20 * 2**20) + b"--></body>")
    assert len(data) > MAX_PAGE_BYTES
    started = time.perf_counter()
    assert _kind(data) == "too-large"
    assert time.perf_counter() - started < 1.0


# --- truncated and mislabelled HTML ----------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-8", "gbk"])
@pytest.mark.parametrize("share", [0.3, 0.5, 0.75, 0.9])
def test_truncated_html_is_flagged_or_refused(codec: str, share: float) -> None:
    raw = news_page(charset=codec).encode(codec)
    cut = raw[: int(len(raw) * share)]
    result = _article_or_refusal(cut, url="https://news.example.com/a/1.html")
    if isinstance(result, Article):
        assert "truncated-html" in result.flags
        assert result.paragraphs
        assert all("\ufffd" not in p for p in result.paragraphs)


def test_page_cut_in_half_inside_a_paragraph() -> None:
    raw = news_page().encode()
    middle = raw.index(PARAGRAPHS[2][:20].encode()) + 31   # inside a three-byte character
    result = _article_or_refusal(raw[:middle])
    if isinstance(result, Article):
        assert "truncated-html" in result.flags
        assert result.encoding == "utf-8"


def test_complete_html_is_an_article() -> None:
    article = extract(news_page().encode(), url="https://news.example.com/a/1.html")
    assert list(article.paragraphs) == PARAGRAPHS
    assert "truncated-html" not in article.flags


def test_wrong_meta_charset_utf8_bytes_labelled_gb2312() -> None:
    article = extract(news_page(charset="gb2312").encode("utf-8"))
    assert article.encoding == "utf-8"
    assert list(article.paragraphs) == PARAGRAPHS


def test_wrong_header_charset_gbk_bytes_labelled_utf8() -> None:
    data = news_page(charset="gbk").encode("gbk")
    article = extract(data, content_type="text/html; charset=utf-8")
    assert article.encoding == "gb18030"
    assert list(article.paragraphs) == PARAGRAPHS


def test_wrong_declared_charset_on_a_text_copy() -> None:
    data = "\n".join(PARAGRAPHS).encode("utf-8")
    article = extract(data, content_type="text/plain; charset=gb2312")
    assert article.encoding == "utf-8"
    assert list(article.paragraphs) == PARAGRAPHS


# --- script ----------------------------------------------------------------------------------

def test_traditional_html_page_is_flagged() -> None:
    article = extract(news_page(TRADITIONAL).encode())
    assert "traditional-chinese" in article.flags
    assert list(article.paragraphs) == TRADITIONAL


def test_traditional_text_copy_is_flagged() -> None:
    data = "\n\n".join(TRADITIONAL).encode("big5")
    article = extract(data, content_type="text/plain; charset=big5")
    assert "traditional-chinese" in article.flags
    assert list(article.paragraphs) == TRADITIONAL


def test_simplified_page_is_not_flagged_traditional() -> None:
    assert "traditional-chinese" not in extract("\n".join(PARAGRAPHS).encode()).flags


# --- properties ------------------------------------------------------------------------------

COPY_LINES = ["网易首页 > 网易号 > 正文 申请入驻", "0", "分享至", "编辑", "![]()", "", "相关推荐",
              "热点推荐", "2026-01-20 18:00:49", "某账号 incentive-icons", "12文章数 34关注度",
              "特别声明:以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布,本平台仅提供信息存储服务。",
              PARAGRAPHS[0], "<p>", "</div>"]
_FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _never_crashes(data: bytes) -> None:
    """extract() either returns a non-empty Article or raises NotAnArticle."""
    result = _article_or_refusal(data)
    if isinstance(result, Article):
        assert result.paragraphs


@_FAST
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_raise_only_not_an_article(data: bytes) -> None:
    _never_crashes(data)


@_FAST
@given(st.text(max_size=2000))
def test_arbitrary_text_raises_only_not_an_article(text: str) -> None:
    _never_crashes(text.encode("utf-8"))


@_FAST
@given(st.lists(st.one_of(st.sampled_from(COPY_LINES), st.text(max_size=40)), max_size=40),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_copy_like_text_raises_only_not_an_article(lines: list[str], sep: str) -> None:
    text = sep.join(lines)
    try:
        article = TextCopyExtractor().extract(text)
    except NotAnArticle as error:
        assert error.kind in ("empty-body", "not-chinese")
    else:
        assert article.paragraphs and all(p.strip() == p and p for p in article.paragraphs)
    _never_crashes(text.encode("utf-8"))


def test_a_few_words_of_text_are_not_an_article() -> None:
    with pytest.raises(NotAnArticle) as caught:
        extract("备忘：周五交稿\n".encode("utf-8"))
    assert caught.value.kind == "too-short"
