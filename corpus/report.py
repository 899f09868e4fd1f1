"""The comparison as one self-contained HTML file: inline CSS, inline SVG charts, no script.

Nothing is fetched when the file is opened (no CDN, web font or image), and a Content
Security Policy forbids it anyway. Every string that came from a page (titles, names, words,
sentences) goes through `html.escape`, in text, in SVG `<text>` and in quoted attribute
values, so a `<script>` planted in a scraped title shows as text and never runs.
"""

from __future__ import annotations

import html
import math
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from fincorpus.corpus.compare import LABELS, Comparison, write_tables
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import package_version
from fincorpus.corpus.show import width

#: No script, no network: styles inline, images only as data: URLs.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
GROUP_COLOURS = ("#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#5d4037",
                 "#455a64")
STANCE_COLOURS = {"FAVOR": "#2e7d32", "AGAINST": "#c62828", "NONE": "#9e9e9e"}
LABEL_W, BAR_W, ROW_H = 190, 560, 16
#: Rows a table of the page shows at most (the CSV tables hold every row).
TABLE_ROWS = 500


def _missing(value: object) -> bool:
    """None or NaN: a cell with nothing to show."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def esc(value: object) -> str:
    """Text safe in HTML text and in a double-quoted attribute (None and NaN show empty)."""
    return "" if _missing(value) else html.escape(str(value), quote=True)


def _clip(text: object, cells: int = 28) -> str:
    """A label cut to fit `cells` (a Chinese character takes two), with an ellipsis if cut."""
    text, used = "" if text is None else str(text), 0
    for i, ch in enumerate(text):
        used += width(ch)
        if used > cells:
            return text[:max(i - 1, 0)] + "…"
    return text


def write_report(comparison: Comparison, path: Path, title: str = "框架比较 · Framing comparison"
                 ) -> list[Path]:
    """Write the report to `path` and each table as CSV in `<stem>_tables/`; the paths written."""
    path = Path(path)
    if not path.parent.exists():
        raise BadInput(f"{path}: folder {path.parent} does not exist; create it first")
    folder = path.with_name(f"{path.stem}_tables")
    written = write_tables(comparison, folder)
    path.write_text(render_html(comparison, title, folder.name), encoding="utf-8")
    return [path, *written]


def render_html(comparison: Comparison, title: str = "框架比较 · Framing comparison",
                tables_href: str | None = None) -> str:
    """The whole report as one HTML string (deterministic: no time stamp, sorted tables)."""
    css = resources.files("fincorpus.corpus").joinpath("data/report/report.css").read_text("utf-8")
    colours = _colours(comparison)
    sections = [_groups(comparison), _stances(comparison, colours), _frames(comparison, colours),
                _topics(comparison, colours), _words(comparison, colours),
                _entities(comparison, colours), _claims(comparison), _duplicates(comparison),
                _files(comparison, tables_href)]
    nav = " ".join(f'<a href="#{key}">{esc(name)}</a>' for key, name in _SECTIONS)
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{esc(title)}</h1>\n<p class=\"meta\">fincorpus {esc(package_version())} · "
            f"{len(colours)} groups</p>\n<nav>{nav}</nav>\n"
            + "\n".join(sections) + "\n</main>\n</body>\n</html>\n")


_SECTIONS = (("groups", "Groups"), ("stances", "Stance"), ("frames", "Frames"),
             ("topics", "Topics"), ("words", "Distinctive words"), ("entities", "Entities"),
             ("claims", "Claims"), ("duplicates", "Near duplicates"), ("files", "CSV"))


def _colours(comparison: Comparison) -> dict[str, str]:
    """A colour per group, in group order."""
    names = list(dict.fromkeys(comparison.groups["group"]))
    return {name: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, name in enumerate(names)}


def _section(key: str, heading: str, *parts: str) -> str:
    return f'<section id="{key}">\n<h2>{esc(heading)}</h2>\n' + "\n".join(parts) + "\n</section>"


def _legend(colours: dict[str, str]) -> str:
    items = "".join(f'<span><i style="background:{c}"></i>{esc(name)}</span>'
                    for name, c in colours.items())
    return f'<p class="legend">{items}</p>'


# charts ------------------------------------------------------------------------------------

def bar_chart(kind: str, rows: list[tuple[str, list[tuple[str, float, str]]]],
              fmt: str = "{:.2f}", label_w: int = LABEL_W, bar_w: int = BAR_W) -> str:
    """Horizontal bars, a block per category: rows of (category, [(colour, value, tip), …])."""
    top = max((v for _, bars in rows for _, v, _ in bars), default=0) or 1
    y, parts = 8, []
    for category, bars in rows:
        block = len(bars) * ROW_H
        parts.append(f'<text x="{label_w - 8}" y="{y + block / 2 + 4:.1f}" text-anchor="end">'
                     f"{esc(_clip(category, (label_w - 12) // 7))}</text>")
        for colour, value, tip in bars:
            w = max(value, 0) / top * bar_w
            parts.append(f'<rect class="bar" x="{label_w}" y="{y + 1}" width="{w:.1f}" '
                         f'height="{ROW_H - 3}" fill="{colour}"><title>{esc(tip)}</title></rect>'
                         f'<text class="value" x="{label_w + w + 4:.1f}" y="{y + ROW_H - 4}">'
                         f"{esc(fmt.format(value))}</text>")
            y += ROW_H
        y += 8
    return _svg(kind, y, parts, label_w + bar_w + 60)


def stance_chart(frame: pd.DataFrame, colours: dict[str, str], targets: list[str]) -> str:
    """Per target, one stacked FAVOR/AGAINST/NONE bar per group (shares, with counts)."""
    rows: dict[tuple[str, str], pd.Series] = {}
    for _, row in frame.iterrows():
        rows.setdefault((row["group"], row["target"]), row)
    y, parts = 8, []
    for target in targets:
        parts.append(f'<text class="head" x="8" y="{y + 12}">{esc(_clip(target, 40))}</text>')
        y += 18
        for group, colour in colours.items():
            row = rows.get((group, target))
            parts.append(f'<text x="{LABEL_W - 8}" y="{y + 12}" text-anchor="end" '
                         f'fill="{colour}">{esc(_clip(group, 26))}</text>')
            parts += _stacked(row, y) if row is not None else [
                f'<text class="value" x="{LABEL_W}" y="{y + 12}">(not named)</text>']
            y += ROW_H + 2
        y += 8
    return _svg("stance", y, parts)


def _stacked(row: pd.Series, y: int) -> list[str]:
    """The three segments of one stance bar, and its counts."""
    x, parts = float(LABEL_W), []
    for label in LABELS:
        share, count = row[f"share_{label.lower()}"], row[f"n_{label.lower()}"]
        w = share * BAR_W
        parts.append(f'<rect class="bar {label.lower()}" x="{x:.1f}" y="{y + 1}" width="{w:.1f}" '
                     f'height="{ROW_H - 2}" fill="{STANCE_COLOURS[label]}"><title>'
                     f"{esc(f'{label} {count}/{row.n_articles} ({share:.0%})')}</title></rect>")
        x += w
    counts = "/".join(str(row[f"n_{label.lower()}"]) for label in LABELS)
    parts.append(f'<text class="value" x="{LABEL_W + BAR_W + 6}" y="{y + 12}">'
                 f"{esc(counts)} of {row.n_articles}</text>")
    return parts


def _svg(kind: str, height: float, parts: list[str], wide: int = LABEL_W + BAR_W + 110) -> str:
    return (f'<svg class="chart {kind}" xmlns="http://www.w3.org/2000/svg" width="{wide}" '
            f'height="{height:.0f}" viewBox="0 0 {wide} {height:.0f}" role="img">'
            + "".join(parts) + "</svg>")


def _grouped(frame: pd.DataFrame, key: str, value: str, colours: dict[str, str],
             categories: list[str], label: dict[str, str] | None = None, fmt="{:.2f}") -> str:
    """A bar chart with one bar per group for each category (0 where a group lacks it)."""
    lookup = {(g, c): v for g, c, v in zip(frame["group"], frame[key], frame[value])}
    rows = [((label or {}).get(c, c), [(colour, lookup.get((g, c), 0.0),
                                        f"{g}: {fmt.format(lookup.get((g, c), 0.0))}")
                                       for g, colour in colours.items()]) for c in categories]
    return bar_chart(key, rows, fmt)


def _top(frame: pd.DataFrame, key: str, value: str, n: int) -> list[str]:
    """The `n` categories with the highest value in any group, highest first."""
    best = frame.groupby(key, sort=False)[value].max().sort_values(ascending=False, kind="stable")
    return list(best[best > 0].index[:n])


# sections ----------------------------------------------------------------------------------

def table(frame: pd.DataFrame, columns: list[str], row_class: str | None = None,
          limit: int = TABLE_ROWS) -> str:
    """An HTML table of some columns, every cell escaped, numbers right-aligned; its first
    `limit` rows, with a note of how many the CSV table has, so a page opens in a browser
    however much the groups share (a thousand reposts pair up half a million passages)."""
    if frame.empty:
        return '<p class="note">(none)</p>'
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = []
    for _, row in frame.head(limit).iterrows():
        cells = "".join(_cell(row[c], c) for c in columns)
        cls = f' class="{esc(row[row_class])}"' if row_class else ""
        body.append(f"<tr{cls}>{cells}</tr>")
    more = (f'<p class="note">The first {limit:,} of {len(frame):,} rows; the CSV table has '
            "them all.</p>") if len(frame) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _cell(value: object, column: str) -> str:
    if _missing(value):
        return "<td></td>"
    if isinstance(value, float):
        return f'<td class="num">{esc(f"{value:.4g}")}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="num">{esc(value)}</td>'
    cls = ' class="sentence"' if column.endswith("_text") else ""
    return f"<td{cls}>{esc(value)}</td>"


def _details(summary: str, body: str) -> str:
    """A table folded away under a summary line (native HTML, no script)."""
    return f"<details><summary>{esc(summary)}</summary>\n{body}\n</details>"


def _groups(c: Comparison) -> str:
    summary = (c.groups.groupby("group", sort=False)
               .agg(spec=("spec", "first"), articles=("article_id", "size"),
                    chars=("n_chars", "sum")).reset_index())
    return _section("groups", "Groups", table(summary, ["group", "spec", "articles", "chars"]),
                    _details("Articles", table(c.groups, ["group", "title", "author", "site",
                                                          "published_at", "article_id"])))


def _stances(c: Comparison, colours: dict[str, str]) -> str:
    totals = c.stances.groupby("target", sort=False)["n_articles"].sum()
    targets = list(totals.sort_values(ascending=False, kind="stable").index[:15])
    legend = "".join(f'<span><i style="background:{STANCE_COLOURS[x]}"></i>{x}</span>'
                     for x in LABELS)
    return _section("stances", "Stance toward each target (articles)",
                    '<p class="note">Share of each group\'s articles that name the target whose '
                    "article-level stance is FAVOR, AGAINST or NONE; counts at the right.</p>",
                    f'<p class="legend">{legend}</p>', stance_chart(c.stances, colours, targets),
                    _details("Table", table(c.stances, list(c.stances.columns))))


def _frames(c: Comparison, colours: dict[str, str]) -> str:
    frames = _top(c.frames, "frame", "mean_score", 12)
    return _section("frames", "Frame profile", '<p class="note">Mean article frame score '
                    "(weighted indicator hits per 100 characters).</p>", _legend(colours),
                    _grouped(c.frames, "frame", "mean_score", colours, frames))


def _topics(c: Comparison, colours: dict[str, str]) -> str:
    topics = _top(c.topics, "topic", "share_top", 12)
    return _section("topics", "Topic shares", '<p class="note">Share of each group\'s articles '
                    "whose top topic it is.</p>", _legend(colours),
                    _grouped(c.topics, "topic", "share_top", colours, topics, fmt="{:.0%}"),
                    _details("Table", table(c.topics[c.topics["topic"].isin(topics)],
                                            list(c.topics.columns))))


def _words(c: Comparison, colours: dict[str, str]) -> str:
    blocks = []
    for group, colour in colours.items():
        part = c.words[c.words["group"] == group].head(15)
        rows = [(w, [(colour, z, f"{w}: z={z:.2f}, {n} vs {m}")])
                for w, z, n, m in zip(part["word"], part["z"], part["count"], part["count_others"])]
        chart = (bar_chart("words", rows, label_w=110, bar_w=280) if rows
                 else '<p class="note">(none)</p>')
        blocks.append(f"<div><h3>{esc(group)}</h3>{chart}</div>")
    return _section("words", "Distinctive words (weighted log-odds, z)",
                    '<p class="note">Each group against all the others, informative Dirichlet '
                    "prior (Monroe, Colaresi &amp; Quinn 2008); |z| &gt; 1.96 is the usual "
                    "cut-off.</p>", f'<div class="words">{"".join(blocks)}</div>')


def _entities(c: Comparison, colours: dict[str, str]) -> str:
    ids = _top(c.entities, "entity_id", "per_1000_chars", 15)
    names = dict(zip(c.entities["entity_id"], c.entities["name"]))
    return _section("entities", "Entity salience", '<p class="note">Mentions per 1,000 '
                    "characters, by canonical entity.</p>", _legend(colours),
                    _grouped(c.entities, "entity_id", "per_1000_chars", colours, ids, names))


def _claims(c: Comparison) -> str:
    side = ["group", "text", "sentence_text"]
    return _section("claims", "Numeric claims and conflicts",
                    '<p class="note">Claims about one subject, measure and period in two or more '
                    'articles; a conflict is "hard" when even hedges cannot reconcile the values.'
                    "</p>", "<h3>Conflicts</h3>",
                    table(c.conflicts, ["measure", "subject", "period", "kind",
                                        *(f"a_{x}" for x in side), *(f"b_{x}" for x in side)],
                          row_class="kind"),
                    "<h3>Aligned claims</h3>",
                    table(c.claims, ["claim_group", "measure", "subject", "period", "group",
                                     "text", "conflict", "sentence_text"]))


def _duplicates(c: Comparison) -> str:
    return _section("duplicates", "Near-duplicate passages",
                    '<p class="note">Paragraphs of different articles sharing most of their '
                    "character 5-grams (flagged, never dropped).</p>",
                    table(c.duplicates, ["similarity", "a_group", "a_text", "b_group",
                                         "b_text"]))


def _files(c: Comparison, href: str | None) -> str:
    if not href:
        return _section("files", "CSV", '<p class="note">Tables not written.</p>')
    links = " ".join(f'<a href="{esc(quote(href))}/{name}.csv">{name}.csv</a>' for name in c.tables())
    return _section("files", "CSV", f"<p>Every table, as CSV beside this file: {links}</p>")
