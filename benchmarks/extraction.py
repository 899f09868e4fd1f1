"""Extraction benchmark: fincorpus vs trafilatura vs readability-lxml on pages with ground truth.

Usage: python benchmarks/extraction.py DIR [--markdown] [--floor netease=0.99 --floor other=0.993
       --floor leaks=0 --floor margin=0] [--json OUT] [--repeats N]

Every tool sees the same input in the same run: fincorpus gets the raw bytes (its own decoding is
part of what it is timed on); trafilatura and readability get the text that fincorpus's
`scrapers.encoding.decode` made of those bytes (so none of them trips over a wrong meta charset).
trafilatura runs with its defaults (favor_precision=False, favor_recall=False,
include_comments=True) plus with_metadata=True, since the other two also return metadata.
Scores follow ../shared/data/pages/README.md (fincorpus.scrapers.evaluate). Each label is scored
under its own convention: other projects' labels keep captions, 原标题 and 责任编辑 lines, so the
`fincorpus` row compares them with `Article.reader_text` (those lines in place), while the
`fincorpus body` row compares every label with the body alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

from fincorpus.corpus.errors import NotAnArticle
from fincorpus.scrapers import evaluate
from fincorpus.scrapers.encoding import decode
from fincorpus.scrapers.extract import extract

INPUT_NOTE = ("input: fincorpus gets raw bytes; trafilatura and readability-lxml get the text "
              "decoded by fincorpus.scrapers.encoding.decode")
TRAFILATURA_NOTE = ("trafilatura defaults (favor_precision=False, favor_recall=False, "
                    "include_comments=True) + with_metadata=True")
TOOLS = ("fincorpus", "fincorpus body", "trafilatura", "readability")


@dataclass(frozen=True, slots=True)
class Output:
    """What a tool made of a page: body text, title and publish time (ISO), any may be empty.

    `reader` is the column as a reader saw it (captions and credit lines in place) for a tool
    that files those apart from the body; it is what a label that keeps them is compared with.
    """

    body: str = ""
    title: str | None = None
    published: str | None = None
    reader: str | None = None


@dataclass(slots=True)
class Result:
    """One tool on one page: scores and time."""

    page: str
    group: str
    tool: str
    kind: str
    precision: float | None
    recall: float | None
    f1: float
    leaks: list[str]
    title_ok: bool | None
    time_ok: bool | None
    ms: float
    error: str | None = None


@dataclass(slots=True)
class Page:
    """A saved page, its bytes, the shared decoded text and its ground truth."""

    path: Path
    data: bytes
    text: str
    truth: evaluate.Truth
    group: str = field(init=False)

    def __post_init__(self) -> None:
        """NetEase pages are named netease_*; everything else is 'other'."""
        self.group = "netease" if self.path.name.startswith("netease_") else "other"


def run_fincorpus(page: Page) -> Output:
    """fincorpus from raw bytes; an empty output when it says the page is not an article."""
    try:
        article = extract(page.data, url=None)
    except NotAnArticle:
        return Output()
    when = article.published_at.isoformat() if article.published_at else None
    return Output(article.text, article.title, when, article.reader_text)


def run_trafilatura(page: Page) -> Output:
    """trafilatura with its defaults, metadata on."""
    import trafilatura

    doc = trafilatura.bare_extraction(page.text, with_metadata=True)
    if doc is None:
        return Output()
    return Output(doc.text or "", doc.title, doc.date)


def _blocks_text(html: str) -> str:
    """Plain text of an HTML fragment, one line per block element."""
    import lxml.html

    from fincorpus.scrapers.density import flatten

    root = lxml.html.fromstring(html or "<div></div>")
    return "\n".join(block.text for block in flatten(root) if block.text)


def run_readability(page: Page) -> Output:
    """readability-lxml's summary, turned into text per block; it gives no publish time."""
    from readability import Document

    doc = Document(page.text)
    return Output(_blocks_text(doc.summary()), doc.short_title(), None)


RUNNERS: dict[str, Callable[[Page], Output]] = {
    "fincorpus": run_fincorpus, "trafilatura": run_trafilatura, "readability": run_readability}
#: Rows scored from another tool's run: fincorpus's body alone, under every label's convention.
DERIVED = {"fincorpus body": ("fincorpus", lambda output: replace(output, reader=None))}


def load_pages(directory: Path) -> list[Page]:
    """Every NAME.html in the directory that has ground truth."""
    pages = []
    for path in sorted(directory.glob("*.html")):
        truth = evaluate.load_truth(path)
        if truth is not None:
            data = path.read_bytes()
            pages.append(Page(path, data, decode(data).text, truth))
    return pages


def timed(runner: Callable[[Page], Output], page: Page, repeats: int) -> tuple[Output, float]:
    """The output of one warm-up run and the median time in ms of `repeats` further runs."""
    output = runner(page)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        runner(page)
        times.append((time.perf_counter() - start) * 1000)
    return output, statistics.median(times)


def score(page: Page, tool: str, output: Output, ms: float) -> Result:
    """Body score (or segment score), leaks, title and time match of one output."""
    truth = page.truth
    text = output.reader if truth.keeps_captions and output.reader is not None else output.body
    if truth.kind == "body":
        body = evaluate.body_score(text, truth.body)
        p, r, f1 = body.precision, body.recall, body.f1
    else:
        p = r = None
        f1 = evaluate.segment_score(text, list(truth.with_), list(truth.without))
    title_ok = time_ok = None
    if truth.title:
        title_ok = evaluate.normalize(output.title or "") == evaluate.normalize(truth.title)
    if truth.published_at:
        time_ok = evaluate.same_time(output.published, truth.published_at)
    return Result(page.path.stem, page.group, tool, truth.kind, p, r, f1,
                  evaluate.leaks(text, truth.body), title_ok, time_ok, ms)


def _run(runner: Callable[[Page], Output], page: Page, repeats: int
         ) -> tuple[Output, float, str | None]:
    """`timed`, and the error of a tool that crashed (it scores zero on that page, visibly)."""
    try:
        return (*timed(runner, page, repeats), None)
    except Exception as error:  # noqa: BLE001
        return Output(), 0.0, f"{type(error).__name__}: {error}"


def run_all(pages: list[Page], repeats: int) -> list[Result]:
    """Every tool on every page, with a progress line on stderr."""
    results = []
    for index, page in enumerate(pages, 1):
        line = f"\r[{index}/{len(pages)}] {page.path.name[:60]:<60}"
        print(line, end="", file=sys.stderr, flush=True)
        runs: dict[str, tuple[Output, float, str | None]] = {}
        for tool in TOOLS:
            if tool in DERIVED:
                base, view = DERIVED[tool]
                output, ms, error = runs[base]
                output = view(output)
            else:
                output, ms, error = runs[tool] = _run(RUNNERS[tool], page, repeats)
            result = score(page, tool, output, ms)
            result.error = error
            results.append(result)
    print("\r" + " " * 72 + "\r", end="", file=sys.stderr, flush=True)
    return results


def _mean(values: list[float | None]) -> float | None:
    """Mean of the values present (None when none is)."""
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def _share(values: list[bool | None]) -> str:
    """`hits/total` over the pages whose truth states the field."""
    present = [v for v in values if v is not None]
    return f"{sum(present)}/{len(present)}" if present else "-"


def summarize(results: list[Result], group: str, tool: str) -> dict:
    """Means over one group (netease, other, all) for one tool."""
    rows = [r for r in results if r.tool == tool and group in ("all", r.group)]
    return {
        "group": group, "tool": tool, "pages": len(rows),
        "precision": _mean([r.precision for r in rows]), "recall": _mean([r.recall for r in rows]),
        "f1": _mean([r.f1 for r in rows]),
        "segment": _mean([r.f1 for r in rows if r.kind == "segments"]),
        "pages_with_leaks": sum(bool(r.leaks) for r in rows),
        "title": _share([r.title_ok for r in rows]), "time": _share([r.time_ok for r in rows]),
        "ms": statistics.median([r.ms for r in rows]) if rows else 0.0,
    }


def summaries(results: list[Result]) -> list[dict]:
    """Group means for every tool, with the speed ratio against trafilatura."""
    table = []
    for group in ("netease", "other", "all"):
        rows = [summarize(results, group, tool) for tool in TOOLS]
        base = next(row["ms"] for row in rows if row["tool"] == "trafilatura")
        for row in rows:
            row["vs_trafilatura"] = base / row["ms"] if row["ms"] else None
        table.extend(row for row in rows if row["pages"])
    return table


def _fmt(value: object) -> str:
    """A table cell: floats to 3 places, missing as '-'."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def render(headers: list[str], rows: list[list[object]], markdown: bool) -> str:
    """A plain or Markdown table."""
    cells = [[_fmt(v) for v in row] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    return "\n".join(lines + ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells])


def page_table(results: list[Result], markdown: bool) -> str:
    """One row per page and tool."""
    headers = ["page", "tool", "P", "R", "F1", "segment", "leaks", "title", "time", "ms"]
    rows = [[r.page, r.tool, r.precision, r.recall, r.f1 if r.kind == "body" else None,
             r.f1 if r.kind == "segments" else None, " ".join(r.leaks) or "-",
             r.title_ok, r.time_ok, f"{r.ms:.1f}"] for r in results]
    return render(headers, rows, markdown)


def group_table(table: list[dict], markdown: bool) -> str:
    """One row per group and tool."""
    headers = ["group", "tool", "pages", "P", "R", "F1 (mean)", "segment", "pages with leaks",
               "title", "time", "ms/page (median)", "speed vs trafilatura"]
    rows = [[t["group"], t["tool"], t["pages"], t["precision"], t["recall"], t["f1"], t["segment"],
             t["pages_with_leaks"], t["title"], t["time"], f"{t['ms']:.1f}",
             f"{t['vs_trafilatura']:.1f}x" if t["vs_trafilatura"] else "-"] for t in table]
    return render(headers, rows, markdown)


def check_floors(table: list[dict], floors: dict[str, float]) -> list[str]:
    """One line per floor that fincorpus misses: group F1 below it, too many NetEase leaks, or
    (margin) a group where the best rival's F1 exceeds ours by more than the margin."""
    failures = []
    mine = {t["group"]: t for t in table if t["tool"] == "fincorpus"}
    for name, floor in floors.items():
        if name == "margin":
            failures += _behind_rivals(table, mine, floor)
        elif name == "leaks":
            leaked = mine["netease"]["pages_with_leaks"] if "netease" in mine else 0
            if leaked > floor:
                failures.append(f"FLOOR MISSED: {leaked} NetEase pages leak boilerplate "
                                f"(max {floor:g})")
        elif name not in mine:
            failures.append(f"FLOOR MISSED: no pages in group {name!r}")
        elif mine[name]["f1"] < floor:
            failures.append(f"FLOOR MISSED: {name} mean body F1 {mine[name]['f1']:.3f} < {floor}")
    return failures


def _behind_rivals(table: list[dict], mine: dict[str, dict], margin: float) -> list[str]:
    """Groups where trafilatura or readability-lxml beat fincorpus by more than `margin`."""
    failures = []
    for rival in (t for t in table if t["tool"] in ("trafilatura", "readability")):
        ours = mine.get(rival["group"])
        if ours and ours["f1"] < rival["f1"] - margin:
            failures.append(f"FLOOR MISSED: {rival['group']} mean body F1 {ours['f1']:.4f} < "
                            f"{rival['tool']}'s {rival['f1']:.4f} - {margin:g}")
    return failures


def parse_floor(text: str) -> tuple[str, float]:
    """`group=value` on the command line."""
    name, _, value = text.partition("=")
    if name not in ("netease", "other", "all", "leaks", "margin") or not value:
        raise argparse.ArgumentTypeError(
            f"--floor {text!r}: use netease=, other=, all=, leaks= or margin=")
    return name, float(value)


def main(argv: list[str] | None = None) -> int:
    """Run, print the tables, write JSON if asked, exit 1 when a floor is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--floor", type=parse_floor, action="append", default=[],
                        metavar="GROUP=VALUE")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every result as JSON")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed runs per page and tool (after one warm-up)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    pages = load_pages(args.directory)
    if not pages:
        print(f"{args.directory}: no NAME.html with ground truth", file=sys.stderr)
        return 1
    results = run_all(pages, args.repeats)
    table = summaries(results)
    print(f"{len(pages)} pages with ground truth in {args.directory}; {INPUT_NOTE}; "
          f"{TRAFILATURA_NOTE}; "
          f"ms = median of {args.repeats} runs after a warm-up; F1 means average body F1 and, for "
          "with/without pages, the segment score.\n")
    print(page_table(results, args.markdown) + "\n\n" + group_table(table, args.markdown))
    if args.json:
        args.json.write_text(json.dumps({"pages": [asdict(r) for r in results], "groups": table},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    failures = check_floors(table, dict(args.floor))
    for line in failures:
        print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
