"""The copied-text extractor on the seed copies and on small invented copies."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from fincorpus.corpus.errors import NotAnArticle
from fincorpus.scrapers.extract import extract
from fincorpus.scrapers.textcopy import TextCopyExtractor
from tests.support.shared import shared_dir




def _seed_texts() -> list[Path]:
    """The seed copies (empty when the shared folder is not there)."""
    return sorted((shared_dir() / "seeds").glob("*.txt"))


def _seed_params() -> list:
    """One param per seed, or one skipping param that says why there are none."""
    seeds = _seed_texts()
    if seeds:
        return [pytest.param(path, id=path.stem) for path in seeds]
    reason = f"no seed copies under {shared_dir() / 'seeds'} (set FINCORPUS_SHARED)"
    return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="no-seeds")]


def _expected(path: Path) -> dict:
    """The expected.json beside a seed copy."""
    expected = path.with_name(path.stem + ".expected.json")
    if not expected.exists():
        pytest.skip(f"{expected} is missing")
    return json.loads(expected.read_text("utf-8"))


def _naive(value: datetime | None) -> str | None:
    """A tz-aware time as the naive local ISO string the expected files use."""
    return value.replace(tzinfo=None).isoformat() if value else None


def _check_against(article, expected: dict) -> None:
    """Assert an article equals an expected.json and carries none of its banned strings."""
    assert article.title == expected["title"]
    assert article.author == expected["author"]
    assert _naive(article.published_at) == expected["published_at"]
    assert list(article.paragraphs) == expected["paragraphs"]
    blob = "\n".join([article.title or "", article.author or "", *article.paragraphs])
    leaked = [s for s in expected.get("must_not_contain", []) if s in blob]
    assert not leaked, f"boilerplate left in the article: {leaked}"


@pytest.mark.parametrize("path", _seed_params())
def test_seed_through_extractor(path: Path) -> None:
    article = TextCopyExtractor().extract(path.read_text("utf-8"))
    _check_against(article, _expected(path))
    assert article.source_kind == "text"
    assert str(article.extractor) == "textcopy/1"
    assert article.site == "163.com"


@pytest.mark.parametrize("path", _seed_params())
def test_seed_through_public_entry_point(path: Path) -> None:
    article = extract(path.read_bytes())
    _check_against(article, _expected(path))
    assert article.encoding == "utf-8"
    if article.published_at is not None:
        assert article.published_at.utcoffset().total_seconds() == 8 * 3600


# --- small invented copies -------------------------------------------------------------------

BODY = [
    "央行今日公布的数据显示,外汇储备规模连续第三个月保持稳定,市场人士认为这与美元走弱有关。",
    "分析师指出,储备结构的多元化是长期趋势,黄金占比的提升并不意味着对某一资产的抛售。",
]
DISCLAIMER = "特别声明:以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布,本平台仅提供信息存储服务。"
NOTICE = ("Notice: The content above (including the pictures and videos if any) is uploaded and "
          "posted by a user of NetEase Hao, which is a social media platform and only provides "
          "information storage services.")
FEED = [
    "相关推荐", "热点推荐",
    "某地举办迎春灯会,游客络绎不绝", "", "某地举办迎春灯会,游客络绎不绝", "", "晚报新闻",
    "2026-01-02 10:11:12",
    "股市收评:三大指数小幅上涨", "", "股市收评:三大指数小幅上涨", "", "财经快讯",
    "2026-01-02 15:01:02",
]


def _copy(*blocks: list[str], sep: str = "\n") -> str:
    """Join blocks of lines into one copied text."""
    return sep.join(line for block in blocks for line in block)


def test_feed_only_tail_gives_no_author_or_time() -> None:
    text = _copy(["网易首页 > 网易号 > 正文 申请入驻", "", "外储稳定背后的逻辑", "", "0", "分享至", ""],
                 [BODY[0], "", BODY[1], "", DISCLAIMER, "", NOTICE, ""], FEED)
    article = TextCopyExtractor().extract(text)
    assert article.title == "外储稳定背后的逻辑"
    assert article.author is None
    assert article.published_at is None
    assert list(article.paragraphs) == BODY


def test_compact_feed_item_is_not_an_author_card() -> None:
    feed = ["相关推荐", "2026-01-02 10:11:12", "股市收评:三大指数小幅上涨", "股市收评:三大指数小幅上涨",
            "财经快讯", "2026-01-02 15:01:02"]
    article = TextCopyExtractor().extract(_copy(BODY, feed))
    assert article.author is None and article.published_at is None
    assert list(article.paragraphs) == BODY


def test_author_card_in_tail_gives_author_and_time() -> None:
    card = ["2026-01-03 08:09:10", "某某财经观察 incentive-icons", "某某财经观察", "专注宏观与市场",
            "120文章数 3456关注度", "往期回顾 全部"]
    article = TextCopyExtractor().extract(_copy(BODY, [DISCLAIMER], FEED, card))
    assert article.author == "某某财经观察"
    assert article.published_at.isoformat() == "2026-01-03T08:09:10+08:00"
    assert list(article.paragraphs) == BODY


def test_author_card_before_feed_is_removed_from_body() -> None:
    card = ["2026-01-03 08:09:10", "某某财经观察", "某某财经观察", "专注宏观与市场", "120文章数 3456关注度"]
    article = TextCopyExtractor().extract(_copy(BODY, card, FEED))
    assert article.author == "某某财经观察"
    assert list(article.paragraphs) == BODY


def test_no_breadcrumb_means_no_title() -> None:
    article = TextCopyExtractor().extract(_copy(["外储稳定背后的逻辑"], BODY))
    assert article.title is None
    assert article.paragraphs[0] == "外储稳定背后的逻辑"
    assert article.site is None


def test_crlf_line_endings_give_the_same_article() -> None:
    lines = [["网易首页 > 网易号 > 正文 申请入驻", "", "外储稳定背后的逻辑", "", "0", "分享至", ""],
             [BODY[0], "", "", "", "编辑", "", BODY[1], "", DISCLAIMER], FEED]
    unix = TextCopyExtractor().extract(_copy(*lines))
    dos = TextCopyExtractor().extract(_copy(*lines, sep="\r\n"))
    assert dos == unix
    assert list(dos.paragraphs) == BODY
    assert all("\r" not in p for p in dos.paragraphs)


def test_full_width_colon_disclaimer_is_removed() -> None:
    wide = DISCLAIMER.replace(":", "：").replace(",", "，")
    article = TextCopyExtractor().extract(_copy(BODY, [wide]))
    assert list(article.paragraphs) == BODY


def test_disclaimer_inside_a_paragraph_is_removed_and_the_rest_kept() -> None:
    mixed = BODY[0] + DISCLAIMER + BODY[1]
    article = TextCopyExtractor().extract(mixed)
    assert list(article.paragraphs) == [BODY[0] + BODY[1]]


def test_image_placeholders_and_captions_leave_the_body() -> None:
    text = _copy([BODY[0], "![](https://img.example.com/a.jpg)", "图片来源:网络",
                  "![图表]()", BODY[1] + "![]()"])
    article = TextCopyExtractor().extract(text)
    assert list(article.paragraphs) == BODY
    assert article.captions == ("图片来源:网络",)


def test_short_line_after_blank_block_is_a_caption() -> None:
    text = _copy([BODY[0], "", "", "", "央行大楼外景", "", BODY[1]])
    article = TextCopyExtractor().extract(text)
    assert list(article.paragraphs) == BODY
    assert article.captions == ("央行大楼外景",)
    assert article.reading_order == (("paragraph", BODY[0]), ("caption", "央行大楼外景"),
                                     ("paragraph", BODY[1]))


def test_chrome_only_copy_is_not_an_article() -> None:
    text = _copy(["网易首页 > 网易号 > 正文 申请入驻", "0", "分享至", DISCLAIMER, NOTICE], FEED)
    with pytest.raises(NotAnArticle) as error:
        TextCopyExtractor().extract(text)
    assert error.value.kind == "empty-body"


def test_whitespace_is_stripped_and_order_kept() -> None:
    text = "\ufeff  " + BODY[1] + " \t\n\u3000" + BODY[0] + "\u3000\n"
    article = TextCopyExtractor().extract(text, url="file:///copy.txt")
    assert list(article.paragraphs) == [BODY[1], BODY[0]]
    assert article.url == "file:///copy.txt"
