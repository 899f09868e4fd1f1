"""decode(): byte-order marks, declared charsets, and declarations the bytes contradict."""

from __future__ import annotations

import codecs

import pytest

from fincorpus.scrapers.encoding import decode, header_charset, normalize_codec

# 镕 (as in 朱镕基) is in GBK but not in GB2312: pages labelled gb2312 use it anyway.
ZH = "朱镕基谈人民币汇率改革与外汇储备管理,市场人士认为美债减持与黄金增持是长期趋势。"
SHORT_ZH = ["中国经济", "美债", "黄金储备", "镕"]


def _page(charset: str | None, body: str = ZH, prefix: str = "") -> str:
    """A small HTML page, with a <meta charset> when one is given."""
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"{prefix}<html><head>{meta}<title>外储</title></head>"
            f"<body><div class=\"article\"><p>{body}</p></div></body></html>")


def test_utf8_bom_wins_over_everything() -> None:
    result = decode(codecs.BOM_UTF8 + _page("gbk").encode("utf-8"), "text/html; charset=gbk")
    assert result.method == "bom"
    assert result.encoding == "utf-8-sig"
    assert ZH in result.text and not result.text.startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    result = decode(bom + _page(None).encode(codec))
    assert result.method == "bom"
    assert result.encoding == "utf-16"
    assert ZH in result.text


def test_header_charset() -> None:
    result = decode(_page(None).encode("gbk"), "text/html; charset=GBK")
    assert (result.encoding, result.method) == ("gb18030", "header")
    assert ZH in result.text


def test_header_charset_is_parsed_with_quotes() -> None:
    assert header_charset('text/html; charset="gb2312"') == "gb2312"
    assert header_charset("text/html") is None


HTTP_EQUIV = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'


@pytest.mark.parametrize("meta", ['<meta charset="gbk">', HTTP_EQUIV])
def test_meta_charset(meta: str) -> None:
    page = f"<html><head>{meta}</head><body><p>{ZH}</p></body></html>"
    result = decode(page.encode("gbk"))
    assert (result.encoding, result.method) == ("gb18030", "meta")
    assert ZH in result.text


def test_gb2312_label_with_gbk_only_characters_decodes_as_gb18030() -> None:
    raw = _page("gb2312").encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gb2312")
    result = decode(raw)
    assert (result.encoding, result.method) == ("gb18030", "meta")
    assert "朱镕基" in result.text


def test_gb2312_header_with_gbk_only_characters() -> None:
    result = decode(_page(None).encode("gbk"), "text/html; charset=gb2312")
    assert (result.encoding, result.method) == ("gb18030", "header")
    assert "朱镕基" in result.text


@pytest.mark.parametrize("body", [ZH, *SHORT_ZH])
def test_gb2312_label_on_utf8_bytes_decodes_as_utf8(body: str) -> None:
    # GB18030 decodes many UTF-8 byte strings too (as mojibake): the label must lose.
    result = decode(_page("gb2312", body).encode("utf-8"))
    assert result.encoding == "utf-8"
    assert body in result.text


def test_gb2312_header_on_utf8_bytes_decodes_as_utf8() -> None:
    result = decode(_page(None, "中国经济").encode("utf-8"), "text/html; charset=gb2312")
    assert result.encoding == "utf-8"
    assert "中国经济" in result.text


def test_archive_wrapper_utf8_meta_over_gbk_bytes() -> None:
    wrapper = '<html><head><meta charset=utf-8><script src="/_static/wb.js"></script></head>'
    raw = _page("gb2312", prefix=wrapper).encode("gbk")
    result = decode(raw)
    assert result.encoding == "gb18030"
    assert "朱镕基" in result.text


@pytest.mark.parametrize("codec, expected", [("utf-8", "utf-8"), ("gbk", "gb18030")])
def test_no_declaration(codec: str, expected: str) -> None:
    result = decode(_page(None).encode(codec))
    assert (result.encoding, result.method) == (expected, "detected")
    assert ZH in result.text


def test_no_declaration_plain_text() -> None:
    assert decode(ZH.encode("gbk")).text == ZH
    assert decode(ZH.encode("utf-8")).text == ZH


@pytest.mark.parametrize("codec", ["utf-8", "gbk"])
def test_page_cut_inside_a_character_keeps_its_codec(codec: str) -> None:
    raw = _page(None).encode(codec)
    cut = raw[: raw.index("趋势".encode(codec)) + 1]
    result = decode(cut)
    assert result.encoding == ("utf-8" if codec == "utf-8" else "gb18030")
    assert result.text.endswith("长期")


def test_unknown_label_is_ignored() -> None:
    result = decode(_page("x-no-such-charset").encode("utf-8"))
    assert result.encoding == "utf-8"
    assert normalize_codec("x-no-such-charset") is None
    assert normalize_codec("GB2312") == "gb18030"


def test_undecodable_bytes_never_raise() -> None:
    result = decode(bytes(range(128, 256)) * 4)
    assert isinstance(result.text, str)
    assert result.method in ("detected", "fallback")
