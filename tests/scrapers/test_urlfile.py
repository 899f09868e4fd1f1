"""URL files (scrapers/urlfile.py): plain lists and CSV/TSV columns as Excel and WPS save them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fincorpus.corpus.errors import BadInput
from fincorpus.scrapers.urlfile import read_url_file


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_plain_url_list(tmp_path: Path) -> None:
    text = ("# seeds for the October crawl\n\n"
            "https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html\n"
            "  https://m.163.com/dy/article/KJ2A7Q3M0556F1TX.html?spss=x  \n"
            "www.163.com/dy/article/KIU3D8PL0519C7AB.html\n"
            "HTTPS://news.163.com/domestic/\r\n"
            "ftp://example.com/file\n")
    result = read_url_file(write(tmp_path, "seeds.txt", text.encode()))
    assert result.urls == ("https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html",
                           "https://news.163.com/domestic/")
    assert result.skipped == ((5, "www.163.com/dy/article/KIU3D8PL0519C7AB.html"),
                              (7, "ftp://example.com/file"))


def test_excel_csv_with_bom_and_url_header(tmp_path: Path) -> None:
    text = ('\ufefftitle,URL,note\r\n'
            '"美债, 持仓",https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html,a\r\n'
            'empty,,b\r\n'
            '"multi\nline",https://www.163.com/news/article/KE8V3N1P0001899O.html?f=post1603_tab_news,c\r\n')
    result = read_url_file(write(tmp_path, "export.csv", text.encode("utf-8")))
    assert result.urls == ("https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html",
                           "https://www.163.com/news/article/KE8V3N1P0001899O.html")
    assert result.skipped == ((3, ""),)


def test_gb18030_csv_with_chinese_header(tmp_path: Path) -> None:
    text = "标题,链接\n美债持仓,https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html\n黄金,无\n"
    result = read_url_file(write(tmp_path, "list.csv", text.encode("gb18030")))
    assert result.urls == ("https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html",)
    assert result.skipped == ((3, "无"),)


def test_named_column_and_header_sniffed_in_a_txt_file(tmp_path: Path) -> None:
    text = "id,source,target\n1,https://a.example/x,https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html\n"
    path = write(tmp_path, "pairs.txt", text.encode())
    assert read_url_file(path, column="target").urls == ("https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html",)
    assert read_url_file(path, column="TARGET").urls == ("https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html",)
    assert read_url_file(path).urls == ("https://a.example/x",)  # first column holding a URL


def test_missing_named_column_names_the_columns_found(tmp_path: Path) -> None:
    path = write(tmp_path, "export.csv", b"\xef\xbb\xbftitle,link\nx,https://a.example/\n")
    with pytest.raises(BadInput, match=r"no column 'url'; columns found: title, link") as caught:
        read_url_file(path, column="url")
    assert "\n" not in str(caught.value)


def test_csv_without_url_column_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no URL column"):
        read_url_file(write(tmp_path, "t.csv", b"a,b\n1,2\n"))


def test_headerless_csv_and_tsv(tmp_path: Path) -> None:
    csv_path = write(tmp_path, "h.csv", b"https://a.example/1,one\nhttps://a.example/2,two\n")
    assert read_url_file(csv_path).urls == ("https://a.example/1", "https://a.example/2")
    tsv_path = write(tmp_path, "h.tsv", "名称\t网址\nx\thttps://a.example/3\n".encode())
    assert read_url_file(tsv_path).urls == ("https://a.example/3",)


def test_url_with_comma_in_a_plain_list_is_not_a_header(tmp_path: Path) -> None:
    path = write(tmp_path, "u.txt", b"https://a.example/?ids=1,2\nhttps://a.example/b\n")
    assert read_url_file(path).urls == ("https://a.example/?ids=1,2", "https://a.example/b")


def test_unreadable_url_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        read_url_file(tmp_path / "missing.txt")
