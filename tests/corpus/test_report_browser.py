"""The comparison report in a real browser: headless Chromium draws the charts with Chinese
text, and a script planted in a scraped title never runs."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from fincorpus.corpus.compare import compare
from fincorpus.corpus.groups import groups_from_specs
from fincorpus.corpus.report import CSP, GROUP_COLOURS, STANCE_COLOURS, write_report
from tests.corpus.test_compare import GROUPS, SCRIPT, build_store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium binary not found on PATH "
                                "(Debian: apt-get install -y chromium fonts-noto-cjk)")
TITLE = "框架比较 · Framing comparison"


def chromium(tmp: Path, page: Path, *args: str) -> str:
    """Run headless Chromium on a file with no network or profile state; its stdout."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             "--force-color-profile=srgb", "--hide-scrollbars", f"--user-data-dir={tmp / 'profile'}"]
    done = subprocess.run([CHROMIUM, *flags, *args, page.as_uri()], capture_output=True,
                          text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def png_rgb(path: Path) -> tuple[int, int, bytes]:
    """(width, height, RGB bytes) of an 8-bit RGB or RGBA PNG, decoded with the stdlib only."""
    data, pos, idat = path.read_bytes(), 8, b""
    while pos < len(data):
        (size,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body, pos = data[pos + 8:pos + 8 + size], pos + 12 + size
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and not interlace, "unexpected PNG layout"
        elif kind == b"IDAT":
            idat += body
    n = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * n
    previous, rows = bytearray(stride), []
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        row = _unfilter(line[0], bytearray(line[1:]), previous, n)
        rows.append(row if n == 3 else bytes(b for i, b in enumerate(row) if i % 4 != 3))
        previous = row
    return width, height, b"".join(rows)


def _unfilter(kind: int, row: bytearray, up: bytearray, n: int) -> bytearray:
    """Undo one scanline's PNG filter (None, Sub, Up, Average, Paeth)."""
    if kind == 2:
        return bytearray((a + b) & 255 for a, b in zip(row, up))
    for i in range(len(row)):
        left = row[i - n] if i >= n else 0
        if kind == 1:
            row[i] = (row[i] + left) & 255
        elif kind == 3:
            row[i] = (row[i] + (left + up[i]) // 2) & 255
        elif kind == 4:
            corner = up[i - n] if i >= n else 0
            p = left + up[i] - corner
            pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - corner)
            row[i] = (row[i] + (left if pa <= pb and pa <= pc else up[i] if pb <= pc
                                else corner)) & 255
    return row


def _count(rgb: bytes, colour: str) -> int:
    """Pixels of exactly this #rrggbb colour."""
    target = bytes.fromhex(colour[1:])
    return sum(1 for i in range(0, len(rgb), 3) if rgb[i:i + 3] == target)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    with build_store(folder / "sample.db") as store:
        result = compare(store, groups_from_specs(store, GROUPS))
    return write_report(result, folder / "report.html")[0]


def test_planted_script_does_not_run_and_charts_draw(report, tmp_path) -> None:
    page = report.read_text("utf-8")
    csp = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    assert csp in page
    bare = tmp_path / "no_csp.html"  # escaping alone must hold, without the policy's help
    bare.write_text(page.replace(csp, ""), encoding="utf-8")
    dom = chromium(tmp_path, bare, "--dump-dom")
    assert re.search(r"<title>(.*?)</title>", dom).group(1) == TITLE
    assert not re.search(r"<body[^>]*data-pwned", dom), "the planted onerror handler ran"
    assert "<img" not in dom and "<script" not in dom
    assert "&lt;script&gt;document.title=\"PWNED\"&lt;/script&gt;" in dom
    bars = re.findall(r'<rect class="bar( favor| against| none)?"', dom)
    assert len([b for b in bars if b]) >= 30 and len([b for b in bars if not b]) >= 20
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", dom)
    assert {"美国", "中国"} <= set(labels)
    assert len(re.findall(r'<svg class="chart ', dom)) >= 5


def test_an_unescaped_script_would_have_run(tmp_path) -> None:
    """The check above can fail: the same planted script, left raw, changes the title."""
    raw = tmp_path / "raw.html"
    raw.write_text(f"<!DOCTYPE html><html><head><title>ok</title></head><body>{SCRIPT}"
                   "</body></html>", encoding="utf-8")
    assert "<title>PWNED</title>" in chromium(tmp_path, raw, "--dump-dom")


def test_screenshot_shows_the_bars(report, tmp_path) -> None:
    shot = tmp_path / "report.png"
    chromium(tmp_path, report, f"--screenshot={shot}", "--window-size=1200,3000")
    width, height, rgb = png_rgb(shot)
    assert (width, height) == (1200, 3000)
    for label, colour in STANCE_COLOURS.items():  # the stance chart fills the first screen
        assert _count(rgb, colour) > 2000, f"no {label} bars ({colour}) in the screenshot"
    for colour in GROUP_COLOURS[:2]:  # the frame profile and topic shares come next
        assert _count(rgb, colour) > 2000, f"no group bars ({colour}) in the screenshot"


def test_chinese_glyphs_render_not_tofu(tmp_path) -> None:
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no CJK font installed (Debian: apt-get install -y fonts-noto-cjk)"
    page = tmp_path / "glyphs.html"
    style = ("margin:0;height:60px;font:40px 'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif")
    page.write_text(f'<!DOCTYPE html><meta charset="utf-8"><body style="margin:0">'
                    f'<div style="{style}">中国持有美债</div><div style="{style}">债美有持国中</div>',
                    encoding="utf-8")
    shot = tmp_path / "glyphs.png"
    chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=300,120")
    width, _, rgb = png_rgb(shot)
    first, second = rgb[:60 * width * 3], rgb[60 * width * 3:120 * width * 3]
    assert first != b"\xff" * len(first), "the Chinese line drew nothing"
    # Missing glyphs all draw as the same box, so the two orders would look the same.
    assert first != second, "Chinese characters rendered as identical boxes (tofu)"
