"""GenericExtractor on small invented pages: container choice, line sorting, metadata."""

from __future__ import annotations

import pytest

from fincorpus.corpus.errors import NotAnArticle
from fincorpus.scrapers.boilerplate import load
from fincorpus.scrapers.generic import GenericExtractor, registrable_domain, strip_site_suffix
from fincorpus.scrapers.html import parse_html

BODY = [
    "本市今年第一季度的小商品出口额同比增长了百分之十二，其中，文具和玩具的增幅最为明显。",
    "市商务局的负责人在发布会上表示，海运价格回落、订单恢复，是增长的两个主要原因。",
    "多家外贸企业也反映，新开通的班轮航线，让货物到港时间平均缩短了三天。",
    "业内人士提醒，下半年汇率波动和需求放缓，仍可能给出口带来一定压力。",
]


def _page(article: str, head: str = "", title: str = "小商品出口一季度增长_示例新闻网",
          aside: str = "") -> str:
    """A page with navigation, an article block and an optional sidebar."""
    nav = "".join(f'<li><a href="/c{i}">频道{i}</a></li>' for i in range(12))
    return (f"<html><head><title>{title}</title>{head}</head><body>"
            f'<div class="nav"><ul>{nav}</ul></div>'
            f'<div class="wrap"><div class="main-left">{article}</div>{aside}</div>'
            '<div class="footer">Copyright 示例新闻网 版权所有，未经许可不得转载。</div>'
            "</body></html>")


def _article(*paragraphs: str, extra: str = "") -> str:
    lines = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f'<h1>小商品出口一季度增长</h1><div class="article-body">{lines}{extra}</div>'


def _extract(html: str, url: str | None = "https://news.example.com.cn/a/1.html"):
    return GenericExtractor().extract(parse_html(html, url, "utf-8"))


def test_keeps_every_body_paragraph_in_order() -> None:
    article = _extract(_page(_article(*BODY)))
    assert article.paragraphs == tuple(BODY)
    assert article.title == "小商品出口一季度增长"
    assert article.extractor.name == "generic"


def test_main_text_beats_a_longer_link_heavy_sidebar() -> None:
    links = "".join(f'<li><a href="/n{i}">邻市港口的集装箱吞吐量再创新高，航运企业纷纷加开班次{i}</a></li>'
                    for i in range(30))
    aside = f'<div class="right-column"><ul>{links}</ul></div>'
    article = _extract(_page(_article(*BODY), aside=aside))
    assert article.paragraphs == tuple(BODY)


def test_comment_share_and_recommend_blocks_are_dropped() -> None:
    extra = ('<div class="share-bar">分享到：微信 微博</div>'
             '<div class="comment-list"><p>网友甲：这个消息很好，希望继续保持，大家一起努力。</p></div>'
             '<div class="recommend"><p>推荐阅读：另一篇关于港口的长篇报道，内容很精彩，欢迎点击。</p></div>')
    article = _extract(_page(_article(*BODY, extra=extra)))
    assert article.paragraphs == tuple(BODY)


def test_captions_go_to_captions_and_images_are_kept() -> None:
    figure = ('<p><img src="/img/port.jpg"></p><p>图为繁忙的集装箱码头</p>'
              '<p><img data-src="https://img.example.com/b.png" src="data:image/gif;base64,R0"></p>'
              "<p>▲工人正在装货</p><p>图片来源：示例图库</p>")
    article = _extract(_page(_article(BODY[0], BODY[1], extra=figure + f"<p>{BODY[2]}</p>")))
    assert article.paragraphs == (BODY[0], BODY[1], BODY[2])
    assert article.captions == ("图为繁忙的集装箱码头", "▲工人正在装货", "图片来源：示例图库")
    assert article.images == ("https://news.example.com.cn/img/port.jpg",
                              "https://img.example.com/b.png")


def test_editor_source_and_original_title_lines_are_filed_away() -> None:
    extra = "<p>原标题：一季度小商品出口增长两成</p><p>来源：示例日报</p><p>【责任编辑：王小明】</p>"
    article = _extract(_page(_article(*BODY, extra=extra)))
    assert article.paragraphs == tuple(BODY)
    assert article.editor == "王小明"
    assert article.source == "示例日报"


def test_reading_order_keeps_filed_lines_in_place() -> None:
    extra = "<p>原标题：一季度小商品出口增长两成</p><p>【责任编辑：王小明】</p>"
    figure = '<p><img src="/img/port.jpg"></p><p>图为繁忙的集装箱码头</p>'
    article = _extract(_page(_article(BODY[0], extra=figure + f"<p>{BODY[1]}</p>" + extra)))
    assert article.reading_order == (
        ("paragraph", BODY[0]), ("caption", "图为繁忙的集装箱码头"), ("paragraph", BODY[1]),
        ("original-title", "原标题：一季度小商品出口增长两成"), ("credit", "【责任编辑：王小明】"))
    assert article.reader_text.split("\n")[1] == "图为繁忙的集装箱码头"
    assert article.text == "\n".join(BODY[:2])


def test_disclaimer_sentences_are_removed() -> None:
    disclaimer = load().disclaimers[0]
    article = _extract(_page(_article(*BODY, extra=f"<p>{disclaimer}</p>")))
    assert article.paragraphs == tuple(BODY)
    assert all(disclaimer not in p for p in article.paragraphs)


def test_br_separated_lines_in_a_div_are_paragraphs() -> None:
    block = '<div class="content">' + "<br><br>".join(BODY) + "</div>"
    article = _extract(_page(block))
    assert article.paragraphs == tuple(BODY)


def test_whitespace_is_collapsed_like_a_browser() -> None:
    article = _extract(_page(_article("  文具出口\n   增长明显，玩具\t也在增长。  ", *BODY[1:])))
    assert article.paragraphs[0] == "文具出口 增长明显，玩具 也在增长。"


def test_empty_page_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle) as caught:
        _extract("<html><head><title>空</title></head><body><div></div></body></html>")
    assert caught.value.kind == "empty-body"


def test_link_only_page_is_not_an_article() -> None:
    links = "".join(f'<p><a href="/{i}">第{i}条新闻标题，点击查看详情</a></p>' for i in range(40))
    with pytest.raises(NotAnArticle):
        _extract(_page(links))


def test_metadata_from_meta_tags() -> None:
    head = ('<meta property="og:title" content="小商品出口一季度增长">'
            '<meta property="article:published_time" content="2024-04-18T09:30:00+08:00">'
            '<meta name="author" content="李华">'
            '<link rel="canonical" href="https://www.example.com.cn/news/2024/0418.html">')
    article = _extract(_page(_article(*BODY), head=head), url=None)
    assert article.published_at.isoformat() == "2024-04-18T09:30:00+08:00"
    assert article.author == "李华"
    assert article.url == "https://www.example.com.cn/news/2024/0418.html"
    assert article.site == "example.com.cn"


def test_publish_time_and_source_from_the_line_under_the_headline() -> None:
    info = '<div class="info">2024-04-18 09:30:15　来源：示例日报</div>'
    html = _page(f'<h1>小商品出口一季度增长</h1>{info}<div class="text">'
                 + "".join(f"<p>{p}</p>" for p in BODY) + "</div>")
    article = _extract(html, url=None)
    assert article.published_at.isoformat() == "2024-04-18T09:30:15+08:00"
    assert article.source == "示例日报"
    assert article.site is None
    assert article.paragraphs == tuple(BODY)


@pytest.mark.parametrize(("raw", "title"), [
    ("小商品出口一季度增长_示例新闻_示例网", "小商品出口一季度增长"),
    ("小商品出口一季度增长-示例网", "小商品出口一季度增长"),
    ("小商品出口一季度增长 | 财经 | 示例网", "小商品出口一季度增长"),
    ("小商品出口一季度增长", "小商品出口一季度增长"),
])
def test_site_suffix_is_stripped_from_titles(raw: str, title: str) -> None:
    assert strip_site_suffix(raw) == title


@pytest.mark.parametrize(("url", "site"), [
    ("https://news.example.com.cn/a.html", "example.com.cn"),
    ("http://www.example.com/x", "example.com"),
    ("https://finance.example.cn/y", "example.cn"),
    ("http://127.0.0.1/z", None),
    (None, None),
])
def test_registrable_domain(url: str | None, site: str | None) -> None:
    assert registrable_domain(url) == site


def test_a_text_div_of_br_lines_wins_over_its_wrapper() -> None:
    text = '<div class="txt">' + "<br>".join(BODY) + "</div>"
    wrapper = f"<div><h1>小商品出口一季度增长</h1><div>阅读次数：1024　字号：大 中 小</div>{text}</div>"
    article = _extract(_page(wrapper))
    assert article.paragraphs == tuple(BODY)


def test_centred_line_under_an_image_is_a_caption_but_a_bold_subheading_is_not() -> None:
    figure = ('<p><img src="/a.jpg"></p><p style="text-align: center">港口一角</p>'
              '<p><img src="/b.jpg"></p><p><strong>出口结构继续优化</strong></p>')
    article = _extract(_page(_article(BODY[0], extra=figure + f"<p>{BODY[1]}</p>")))
    assert article.paragraphs == (BODY[0], "出口结构继续优化", BODY[1])
    assert article.captions == ("港口一角",)


def test_a_wrapper_with_a_boilerplate_sounding_class_does_not_hide_the_article() -> None:
    html = ('<html><head><title>小商品出口一季度增长</title></head><body>'
            '<div id="page" class="layout-with-sidebar"><div class="text">'
            + "".join(f"<p>{p}</p>" for p in BODY) + "</div></div></body></html>")
    assert _extract(html).paragraphs == tuple(BODY)


def test_text_directly_in_body_is_found() -> None:
    html = f"<html><head><title>短讯</title></head><body>{BODY[0]}</body></html>"
    assert _extract(html).paragraphs == (BODY[0],)


def test_copyright_footer_inside_the_container_is_dropped() -> None:
    extra = "<p>Copyright © 2024 示例新闻网 版权所有</p>"
    assert _extract(_page(_article(*BODY, extra=extra))).paragraphs == tuple(BODY)


def test_figcaption_and_caption_classes_are_captions() -> None:
    figure = ('<figure><img src="/c.jpg"><figcaption>码头上排队等待装船的集装箱卡车，摄于四月初。</figcaption>'
              '</figure><p class="pic-desc">夜间作业的吊机</p>')
    article = _extract(_page(_article(BODY[0], extra=figure + f"<p>{BODY[1]}</p>")))
    assert article.paragraphs == (BODY[0], BODY[1])
    assert article.captions == ("码头上排队等待装船的集装箱卡车，摄于四月初。", "夜间作业的吊机")
