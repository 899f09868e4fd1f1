"""The NetEase extractor on small invented pages, one per layout (no text from real pages)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from html import escape

import pytest

from fincorpus.corpus.errors import NotAnArticle
from fincorpus.corpus.model import Provenance
from fincorpus.scrapers.extract import extract
from fincorpus.scrapers.html import SHANGHAI, parse_html
from fincorpus.scrapers.netease import NetEaseExtractor
from fincorpus.scrapers.netease_body import image_url
from fincorpus.scrapers.netease_select import Index, compound

DISCLAIMER = "特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。"
NOTICE = ("Notice: The content above (including the pictures and videos if any) is uploaded and posted by a "
          "user of NetEase Hao, which is a social media platform and only provides information storage services.")
NIMG = "https://nimg.ws.126.net/?url=http%3A%2F%2Fdingyue.ws.126.net%2F2024%2F0101%2Fabc.jpg&thumbnail=660x2147483647"

DY_PAGE = f"""<!DOCTYPE html><html id="ne_wrap" data-publishtime="2024-03-05 08:09:10" data-category="财经">
<head><title>小镇茶叶铺的账本|茶叶|账本_网易订阅</title>
<meta name="keywords" content="茶叶,账本">
<meta property="og:title" content="小镇茶叶铺的账本">
<meta property="article:published_time" content="2024-03-05T08:09:10+08:00">
<link rel="canonical" href="https://www.163.com/dy/article/ABCD1234EFGH5678.html?f=post2020_dy_recommends#top">
</head><body>
<div class="ntes_nav_wrap">网易首页 新闻 体育</div>
<div class="wrapper" id="contain" data-wemediaid="W1234567890" data-docid="ABCD1234EFGH5678">
<div class="post_main">
 <div class="post_crumb"><a href="https://www.163.com/">网易首页</a> &gt; <a href="#">网易号</a> &gt; 正文 <a href="#">申请入驻</a></div>
 <h1 class="post_title">小镇茶叶铺的账本</h1>
 <div class="post_info">2024-03-05 08:09:10　来源: <a href="https://www.163.com/dy/media/T1.html">山间茶话</a>
   <img src="https://static.ws.126.net/ipLocation.svg">浙江 &nbsp;<a class="post_jubao" href="#">举报</a></div>
 <div class="post_content" id="content">
  <div class="post_top"><span class="js-tiejoincount">0</span> 跟贴 分享至</div>
  <div class="post_body">
   <p id="1AAAAAAA">清晨六点，铺子的木门吱呀一声打开，老板把昨天的账本摊在柜台上。</p>
   <p><!--StartFragment--></p>
   <p>&nbsp;</p>
   <p><strong>一本账记了二十年</strong></p>
   <p>账本的纸已经发黄，每一页都写着进货的斤两和卖出的价钱。</p>
   <p class="f_center"><img src="{NIMG}"><br></p>
   <p>柜台上的老算盘</p>
   <p>他说，算盘比手机更让人放心。{DISCLAIMER}</p>
   <div style="height: 0px;overflow:hidden;"><img src="https://static.ws.126.net/logo.png"></div>
  </div>
  <div class="post_statement"><p>{DISCLAIMER}</p><p>{NOTICE}</p></div>
  <div class="tie-areas post_comment" id="post_comment_area">跟贴 热门跟贴</div>
 </div>
 <div class="post_recommends js-tab-mod"><div class="post_recommends_title">相关推荐 热点推荐</div>
   <ul class="post_recommends_list"><li class="post_recommend">另一篇文章的标题</li></ul></div>
 <div class="post_wemedia_name"><a href="https://www.163.com/dy/media/T1.html">山间茶话</a></div>
</div>
<div class="post_side"><h2 class="post_side_mod_title">专题推荐</h2></div>
</div></body></html>"""

NEWS_PAGE = """<html id="ne_wrap" data-publishtime="2025-01-02 03:04:05">
<head><title>河边新修了一条步道|步道_网易新闻</title>
<meta property="og:url" content="https://www.163.com/news/article/KXYZ0000ABCD1111.html"></head>
<body><div class="post_main">
<div class="post_crumb"><a href="/">网易首页</a> &gt; <a href="/news">新闻中心</a> &gt; 正文</div>
<h1 class="post_title">河边新修了一条步道</h1>
<div class="post_info">2025-01-02 03:04:05　来源: <a href="#">晨光日报</a> <a class="post_jubao">举报</a></div>
<div class="post_body">
 <p class="otitle">（原标题：河边步道今天开放）</p>
 <p>“终于可以沿着河散步了。”</p>
 <p class="f_center"><img src="https://cms-bucket.ws.126.net/a.jpg"></p>
 <p>一位居民站在步道入口说，这条路他等了三年，以前下雨天根本走不了，现在铺上了防滑的石板（晨光日报视频截图）</p>
 <p>步道全长四公里，沿途设置了十二个休息点。</p>
 <p><b>夜里也亮堂</b></p>
 <p>路灯采用太阳能供电。<a href="https://www.163.com/news/article/OTHER.html">点击查看详情&gt;&gt;</a></p>
 <p><a href="https://www.163.com/news/article/OTHER2.html">点击查看更多</a></p>
</div>
<div class="post_author">本文来源：晨光日报   责任编辑：
   王小明_NB12345</div>
</div></body></html>"""

LEGACY_2019 = """<html id="ne_wrap"><head><title>老街换了新招牌_网易财经</title>
<meta property="og:title" content="老街换了新招牌">
<meta property="article:published_time" content="2019-06-07T08:09:10+08:00"></head><body>
<div class="post_crumb"><a href="/">网易首页</a> &gt; <a href="/money">财经频道</a> &gt; 正文</div>
<div class="post_content_main" id="epContentLeft"><h1>老街换了新招牌“亮”了</h1>
<div class="post_time_source">2019-06-07 08:09:10 来源: <a id="ne_article_source" href="#">南方晚报(广州)</a></div>
<div class="post_body"><div class="post_text" id="endText">
 <p class="otitle">（原标题：老街新招牌）</p>
 <style>#endText .video-info a {color: #000;}</style>
 <div class="video-wrapper"><p>您的浏览器暂时无法播放此视频.</p><p class="video-info">招牌挂上那天（来源：街拍视频）</p></div>
 <p>街坊们一早就来看新挂的招牌。</p>
 <p class="f_center"><img src="https://cms.ws.126.net/b.jpg"></p>
 <p>▲新招牌在夜里亮起。</p>
 <p class="f_center">图片来源：南方晚报</p>
 <p>店主说，招牌的字是请老师傅写的。</p>
 <div class="special_tag_wrap">延伸 · 推荐 另一条老街的故事</div>
 <pre datatype="specialtag" style="display:none">另一条老街的故事</pre>
 <div class="gg200x300"><iframe src="ad.html"></iframe></div>
 <p>来源：南方晚报</p>
 <div class="ep-source cDGray">本文来源：南方晚报 责任编辑：李四_NF1234</div>
</div></div></div>
<div class="js_qrcode_img js_share_qrcode" title="https://money.163.com/19/0607/08/EABC1234DEFG5678.html#sns_weixin"></div>
</body></html>"""

GBK_2015 = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>仓库里的秋天_网易财经</title></head><body>
<span class="ep-crumb"><a href="/">网易首页</a> &gt; <a href="/money">财经频道</a> &gt; 正文</span>
<div id="epContentLeft"><h1 id="h1title" class="ep-h1">仓库里的秋天</h1>
<div class="ep-time-soure cDGray">2015-10-11 12:13:14　来源: <a id="ne_article_source">北方商报</a>(沈阳)</div>
<p class="ep-summary">[模板摘要不是正文]</p>
<div id="endText" class="end-text">
 <p>粮仓在十月装满了玉米。</p>
 <p>管理员每天要爬上去看三次温度计。</p>
 <div class="ep-source cDGray">本文来源：北方商报</div>
</div></div>
<script>var config = {threadId = "B1C2D3E4F5G6H7J8", boardId: "money_bbs"};</script>
</body></html>"""

COLUMN_PAGE = """<html id="ne_wrap"><head><title>旧钟表的新买家_网易财经</title></head><body>
<h1><a class="fn_logo" href="/">网易商业</a></h1>
<div class="details"><h2 class="con1_ltle">旧钟表的新买家</h2><span class="con1_author">某作者</span>
<span class="con1_date">2015-05-06 07:08:09</span></div>
<div class="entext">
 <p class="f_center"><img src="http://img.cache.netease.com/c.jpg"></p>
 <p>[摘要：年轻人开始收藏旧钟表。]</p>
 <p><b>原标题：[专栏] No.1 旧钟表的新买家</b></p>
 <p>一、为什么是钟表</p>
 <p>钟表有声音，也有故事。</p>
 <p>本文为某网授权网易财经《专栏》发布，转载请注明出处。本文仅为作者观点，不代表网易立场。</p>
 <p>作者某某，为某网旗下原创专栏作者。</p>
</div>
<div id="endText"><p>本文为某某独家授权网易财经发布，转载请注明出处。</p></div>
<script>threadId = "C1C2D3E4F5G6H7J8"</script>
</body></html>"""

OLD_DY = """<html><head><meta charset="gbk"><title>山路上的邮递员_网易订阅</title>
<meta property="article:published_time" content="2020-02-03T04:05:06+08:00"></head><body>
<div class="article_box"><h2>山路上的邮递员</h2>
<div class="article_info"><span class="time">2020-02-03 04:05:06</span> 来源: <a>乡村邮路</a></div>
<div class="content"><p>他每天骑车走六十公里山路送信。</p><p>村里的老人都认识他的车铃声。</p></div>
<div class="statement">特别声明：本文为网易自媒体平台“网易号”作者上传并发布，仅代表该作者观点。网易仅提供信息发布平台。</div>
</div></body></html>"""

MOBILE = """<html><head><title>海边的灯塔_手机网易网</title>
<meta property="og:title" content="海边的灯塔"><meta property="og:release_date" content="2023-07-08 09:10:11">
<link rel="canonical" href="https://m.163.com/news/article/MOBI1234ABCD5678.html"></head><body>
<article><h1 class="title">海边的灯塔</h1>
<div class="article-body"><p>灯塔在岬角上站了一百年。</p>
<p class="f_center"><img data-src="https://cms-bucket.ws.126.net/lighthouse.jpg" src="data:image/gif;base64,R0lGOD"></p>
<p>守塔人每晚都要擦亮镜片。</p></div></article>
<script>window.x = "163.com"</script></body></html>"""


def _doc(page: str, url: str | None = None):
    return parse_html(page, url, "utf-8")


def _run(page: str, url: str | None = None):
    return NetEaseExtractor().extract(_doc(page, url))


def test_dy_page_fields_and_body() -> None:
    article = _run(DY_PAGE, "http://127.0.0.1:8000/page.html")
    assert article.title == "小镇茶叶铺的账本"
    assert article.url == "https://www.163.com/dy/article/ABCD1234EFGH5678.html"
    assert article.docid == "ABCD1234EFGH5678"
    assert article.author == article.source == "山间茶话"
    assert article.editor is None and article.channel == "财经" and article.site == "163.com"
    assert article.published_at == datetime(2024, 3, 5, 8, 9, 10, tzinfo=SHANGHAI)
    assert article.paragraphs == (
        "清晨六点，铺子的木门吱呀一声打开，老板把昨天的账本摊在柜台上。", "一本账记了二十年",
        "账本的纸已经发黄，每一页都写着进货的斤两和卖出的价钱。", "他说，算盘比手机更让人放心。")
    assert article.captions == ("柜台上的老算盘",)
    assert article.images == ("http://dingyue.ws.126.net/2024/0101/abc.jpg",)
    assert article.extras == {"wemedia_id": "W1234567890", "ip_location": "浙江"}
    assert article.extractor == Provenance("netease", "1") and article.source_kind == "html"


def test_news_page_otitle_editor_long_caption_and_prompts() -> None:
    article = _run(NEWS_PAGE)
    assert article.title == "河边新修了一条步道"
    assert article.docid == "KXYZ0000ABCD1111" and article.author is None
    assert (article.source, article.editor) == ("晨光日报", "王小明_NB12345")
    assert article.extras["original_title"] == "河边步道今天开放"
    assert article.paragraphs == ("“终于可以沿着河散步了。”", "步道全长四公里，沿途设置了十二个休息点。",
                                  "夜里也亮堂", "路灯采用太阳能供电。")
    assert len(article.captions) == 1 and article.captions[0].endswith("截图）")
    kinds = [kind for kind, _ in article.reading_order]
    assert kinds[0] == "original-title" and kinds.count("caption") == 1
    assert tuple(t for k, t in article.reading_order if k == "paragraph") == article.paragraphs


def test_2019_layout_drops_video_boxes_and_credits() -> None:
    article = _run(LEGACY_2019)
    assert article.title == "老街换了新招牌“亮”了"
    assert article.url == "https://money.163.com/19/0607/08/EABC1234DEFG5678.html"
    assert article.docid == "EABC1234DEFG5678" and article.channel == "财经频道"
    assert (article.source, article.editor) == ("南方晚报", "李四_NF1234")
    assert article.paragraphs == ("街坊们一早就来看新挂的招牌。", "店主说，招牌的字是请老师傅写的。")
    assert article.captions == ("▲新招牌在夜里亮起。", "图片来源：南方晚报")


def test_2015_gbk_page_through_the_dispatcher() -> None:
    article = extract(GBK_2015.encode("gb18030"))
    assert article.extractor.name == "netease"
    assert article.title == "仓库里的秋天" and article.url is None
    assert article.docid == "B1C2D3E4F5G6H7J8" and article.source == "北方商报"
    assert article.published_at == datetime(2015, 10, 11, 12, 13, 14, tzinfo=SHANGHAI)
    assert article.paragraphs == ("粮仓在十月装满了玉米。", "管理员每天要爬上去看三次温度计。")


def test_column_page_title_from_h2_and_footer_notices_dropped() -> None:
    article = _run(COLUMN_PAGE)
    assert article.title == "旧钟表的新买家" and article.docid == "C1C2D3E4F5G6H7J8"
    assert (article.author, article.source, article.editor) == (None, None, None)
    assert article.published_at == datetime(2015, 5, 6, 7, 8, 9, tzinfo=SHANGHAI)
    assert article.paragraphs == ("[摘要：年轻人开始收藏旧钟表。]", "一、为什么是钟表", "钟表有声音，也有故事。")
    assert article.extras["original_title"].endswith("旧钟表的新买家")


def test_old_dy_layout_statement_is_not_the_body() -> None:
    article = extract(OLD_DY.encode("gbk"), url="http://dy.163.com/v2/article/detail/OLDY1234ABCD5678.html")
    assert article.title == "山路上的邮递员"
    assert article.paragraphs == ("他每天骑车走六十公里山路送信。", "村里的老人都认识他的车铃声。")
    assert article.docid == "OLDY1234ABCD5678" and article.author == article.source == "乡村邮路"


def test_mobile_page_release_date_and_lazy_images() -> None:
    article = _run(MOBILE)
    assert article.title == "海边的灯塔" and article.docid == "MOBI1234ABCD5678"
    assert article.published_at == datetime(2023, 7, 8, 9, 10, 11, tzinfo=SHANGHAI)
    assert article.paragraphs == ("灯塔在岬角上站了一百年。", "守塔人每晚都要擦亮镜片。")
    assert article.images == ("https://cms-bucket.ws.126.net/lighthouse.jpg",)


def test_photo_set_descriptions_become_paragraphs() -> None:
    gallery = {"info": {"setname": "春天的田野"}, "list": [
        {"img": "https://pic.ws.126.net/1.jpg", "note": "油菜花开满了山坡。"},
        {"img": "https://pic.ws.126.net/2.jpg", "note": "农民在田埂上休息。"}]}
    page = (f"<html><head><title>春天的田野_网易新闻</title></head><body><h1>春天的田野</h1>"
            f"<textarea name=\"gallery-data\" style=\"display:none\">{escape(json.dumps(gallery, ensure_ascii=False))}"
            "</textarea></body></html>")
    article = _run(page, "https://www.163.com/photoview/00AP0001/123456.html")
    assert article.paragraphs == ("油菜花开满了山坡。", "农民在田埂上休息。")
    assert article.images == ("https://pic.ws.126.net/1.jpg", "https://pic.ws.126.net/2.jpg")


def test_video_page_uses_its_description_or_refuses() -> None:
    page = ("<html><head><title>雪山日出_网易视频</title><meta property=\"og:type\" content=\"video\"></head>"
            "<body><h1>雪山日出</h1><video poster=\"https://v.ws.126.net/p.jpg\"></video>"
            "<div class=\"video_info\"><p class=\"desc\">{}</p></div></body></html>")
    article = _run(page.format("凌晨五点，第一缕阳光照在雪山顶上。"), "https://www.163.com/v/video/VABC12345.html")
    assert article.paragraphs == ("凌晨五点，第一缕阳光照在雪山顶上。",)
    with pytest.raises(NotAnArticle) as caught:
        _run(page.format(""), "https://www.163.com/v/video/VABC12345.html")
    assert caught.value.kind == "empty-body"


@pytest.mark.parametrize("page, kind", [
    ("<html><head><title>网易-404</title></head><body><p>页面不存在</p></body></html>", "deleted"),
    ("<html id='ne_wrap'><body><div class='post_main'><h1 class='post_title'>标题</h1>"
     "<div class='post_body'><p>该文章已被删除</p></div></div></body></html>", None),
    ("<html id='ne_wrap'><body><div class='post_main'><p>该文章已被删除或不存在</p></div></body></html>", "deleted"),
    ("<html id='ne_wrap'><body><div class='post_main'><h1 class='post_title'>只有标题</h1>"
     "<div class='post_body'> <p>&nbsp;</p></div></div></body></html>", "empty-body"),
])
def test_failures_name_the_url_and_kind(page: str, kind: str | None) -> None:
    url = "https://www.163.com/dy/article/ZZZZ1234ZZZZ5678.html"
    if kind is None:  # a body that merely mentions deletion is still an article
        assert _run(page, url).paragraphs == ("该文章已被删除",)
        return
    with pytest.raises(NotAnArticle) as caught:
        _run(page, url)
    assert caught.value.kind == kind and url in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("title", ["美债减持404亿美元|网易", "第404篇 黄金", "黄金404 Not Foundation"])
def test_a_number_404_in_a_real_title_is_not_a_deleted_page(title: str) -> None:
    page = ("<html id='ne_wrap'><head><title>{}</title></head><body><div class='post_main'>"
            "<h1 class='post_title'>{}</h1><div class='post_body'><p>中国持有的美债规模继续下降，"
            "市场关注外汇储备结构调整。</p></div></div></body></html>").format(title, title)
    assert _run(page, "https://www.163.com/dy/article/ZZZZ1234ZZZZ5678.html").title == title


@pytest.mark.parametrize("page, url, expected", [
    ("<html><body><p>x</p></body></html>", "https://money.163.com/a.html", True),
    ("<html><body><p>x</p></body></html>", "https://static.126.net/a.html", True),
    (DY_PAGE, "http://127.0.0.1:8000/saved.html", True),
    (GBK_2015, None, True),
    (MOBILE, None, True),
    ("<html><body><div id='endText'><p>别的网站</p></div></body></html>", "https://example.com/a", False),
    ("<html><body><div class='article-body'><p>正文</p></div></body></html>", None, False),
])
def test_matches_by_host_or_markers(page: str, url: str | None, expected: bool) -> None:
    assert NetEaseExtractor().matches(_doc(page, url)) is expected


def test_image_url_unwraps_the_nimg_proxy() -> None:
    page = f'<html><body><img src="{NIMG}"><img src="//a.126.net/x.png"><img src="data:x"></body></html>'
    images = _doc(page).tree.findall(".//img")
    assert [image_url(i) for i in images] == [
        "http://dingyue.ws.126.net/2024/0101/abc.jpg", "https://a.126.net/x.png", None]


def test_selector_index() -> None:
    tree = _doc("<html><body><div class='a b' id='x'><p data-k='1'>one</p></div><p class='b'>two</p>"
                "<span data-k='2'>s</span></body></html>").tree
    index = Index(tree)
    assert [e.text for e in index.select("div.a p")] == ["one"]
    assert [e.tag for e in index.select(".b")] == ["div", "p"]
    assert index.select("[data-k]@data-k") == ["1", "2"]
    assert index.select("p[data-k=1]")[0].text == "one"
    assert index.first(["h1", "#x"]).tag == "div"
    assert compound("div.a#x[k=v]").classes == ("a",)



def test_after_an_image_headings_and_sentences_stay_text() -> None:
    page = ("<html id='ne_wrap'><body><div class='post_main'><h1 class='post_title'>题</h1><div class='post_body'>"
            "<p>第一段写的是春天。</p><p class='f_center'><img src='https://a.126.net/1.jpg'></p>"
            "<p><strong>第二部分</strong></p><p>短句也算正文。</p>"
            "<p class='f_center'><img src='https://a.126.net/2.jpg'></p><p>没有句号的短说明</p>"
            "<p>图为一张旧照片</p></div></div></body></html>")
    article = _run(page)
    assert article.paragraphs == ("第一段写的是春天。", "第二部分", "短句也算正文。")
    assert article.captions == ("没有句号的短说明", "图为一张旧照片")


def test_rules_are_not_read_at_import() -> None:
    code = ("import fincorpus.scrapers.extract, fincorpus.scrapers.netease_rules as r;"
            "print(r.rules.cache_info().currsize)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0"


OLD_DY_WITH_FEED = """<html><head><meta charset="utf-8"><title>河堤上的柳树_网易订阅</title>
<link rel="canonical" href="http://dy.163.com/v2/article/detail/WILL0W1234ABCD56.html"></head><body>
<div class="main_content"><div class="article_box"><h2>河堤上的柳树</h2>
<div class="share_box"><p class="time"><span>2019-04-05 06:07:08</span>　<span>来源: <a href="#">柳岸闲话</a></span></p></div>
<div class="content"><p>河堤上的柳树是五十年前种下的。</p><p>每到春天，柳絮飘满整条街。</p></div>
<div class="statement">特别声明：本文为网易自媒体平台“网易号”作者上传并发布，仅代表该作者观点。</div></div>
<div class="feed_box"><ul>
 <li><a href="http://dy.163.com/v2/article/detail/OTHR1234ABCD5678.html">另一篇文章</a>
   <span class="source">别的账号</span><span class="time">2019-04-05 01:02:03</span></li></ul></div>
</div>
<div class="side_content"><div class="author_info"><a class="name" href="#">柳岸闲话</a></div>
<div class="hot_list"><ul><li><span class="time">2019-04-04 09:09:09</span></li></ul></div></div>
</body></html>"""


def test_page_fields_never_come_from_feed_entries() -> None:
    """A list item linking to another article is a feed entry even without a known class:
    its .source / .time are not the page's (the page's own 来源 line and author card are)."""
    article = _run(OLD_DY_WITH_FEED)
    assert article.docid == "WILL0W1234ABCD56"
    assert article.author == article.source == "柳岸闲话"
    assert article.published_at == datetime(2019, 4, 5, 6, 7, 8, tzinfo=SHANGHAI)
    no_card = OLD_DY_WITH_FEED.replace('<a class="name" href="#">柳岸闲话</a>', "")
    assert _run(no_card).author == "柳岸闲话"  # from the 来源 line, not from the feed


def _dy_without_time(own_ptime: str = "") -> str:
    page = DY_PAGE.replace(' data-publishtime="2024-03-05 08:09:10"', "")
    page = page.replace('<meta property="article:published_time" content="2024-03-05T08:09:10+08:00">', "")
    page = page.replace("2024-03-05 08:09:10　来源", "来源")
    assert "08:09:10" not in page
    page = page.replace('id="contain"', f'id="contain"{own_ptime}')
    feed = ('<ul class="post_wemedia_a_list"><li class="post_wemedia_a_item" data-ptime="2024-03-01 01:02:03">'
            '<a href="https://www.163.com/dy/article/ZZZZ9999ZZZZ9999.html">往期文章</a></li></ul>'
            '<div class="post_next" data-ptime="2024-03-02 01:02:03">下一篇</div>')
    return page.replace('<div class="post_side">', f'<div class="post_side">{feed}')


def test_no_publish_time_of_its_own_is_none_not_a_feed_time() -> None:
    """Times of the account's 往期回顾 and the next-article teaser are other articles' times."""
    article = extract(_dy_without_time().encode(), url="https://www.163.com/dy/article/ABCD1234EFGH5678.html")
    assert article.extractor.name == "netease"
    assert article.published_at is None and "no-publish-time" in article.flags
    own = _run(_dy_without_time(' data-ptime="2024-03-05 08:09:10"'))
    assert own.published_at == datetime(2024, 3, 5, 8, 9, 10, tzinfo=SHANGHAI)


def test_photo_set_source_from_its_info_line_else_from_the_gallery_json() -> None:
    gallery = {"info": {"setname": "秋收", "source": "田野日报"},
               "list": [{"img": "https://pic.ws.126.net/1.jpg", "note": "稻子熟了。"}]}
    area = f'<textarea name="gallery-data">{escape(json.dumps(gallery, ensure_ascii=False))}</textarea>'
    page = ("<html><head><title>秋收_网易新闻</title></head><body><div class='headline'><h1>秋收</h1>"
            "INFO</div>" + area + "</body></html>")
    url = "https://www.163.com/photoview/00AP0001/654321.html"
    printed = _run(page.replace("INFO", "<span class='photo_info'>2024-10-01 10:00:00　来源: 山村晚报</span>"), url)
    assert printed.source == "山村晚报"
    assert printed.published_at == datetime(2024, 10, 1, 10, 0, 0, tzinfo=SHANGHAI)
    assert _run(page.replace("INFO", ""), url).source == "田野日报"


def test_video_description_keeps_one_paragraph_per_block() -> None:
    page = ("<html><head><title>雪山日出_网易视频</title></head><body><h1 class='title'>雪山日出</h1>"
            "<video poster='https://v.ws.126.net/p.jpg'></video>"
            "<div class='video_desc'><p>凌晨五点，第一缕阳光照在雪山顶上。</p><p>摄影师在山脚等了三天。</p></div>"
            "</body></html>")
    article = _run(page, "https://www.163.com/v/video/VABC12345.html")
    assert article.paragraphs == ("凌晨五点，第一缕阳光照在雪山顶上。", "摄影师在山脚等了三天。")
    assert article.images == ()  # the poster is the player's cover, not a picture of the text
