"""Export benchmark: `fincorpus export` of the big analysis tables vs plain pandas: time, memory.

Usage: python benchmarks/export.py [--mb 8] [--levels sentence,entity,stance] [--floor memory=0.8]
       [--json OUT]

The bundled sample articles are stored again and again under new DOCIDs until their text
reaches --mb megabytes (as benchmarks/pipeline.py does) and analysed once. Then, each in a
fresh Python process so that its peak memory is its own, in the same run on the same store:
- fincorpus: `export(store, path, level)` to CSV (chunked, typed, formula-safe, atomic);
- pandas: `pd.read_sql_query("SELECT * FROM <table>")` then `to_csv`: the plain library
  reading the same table whole (no ordering, typing or cell safety).
Each prints rows, seconds and peak resident memory. "extra MB" is the peak less the same
process's memory after its imports, so it counts the table alone. memory = fincorpus's extra
MB / pandas's; the floor (at most) makes the exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from floors import parse_floors

from fincorpus.corpus.analyses import LEVEL_TABLES


def rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(tool: str, db: Path, level: str, out: Path) -> dict:
    """In a fresh process: export `level` with `tool`; rows, seconds, base and peak MB."""
    import sqlite3

    import pandas as pd

    from fincorpus.corpus.export import export
    from fincorpus.corpus.store import Store

    base = rss_mb()
    began = time.perf_counter()
    if tool == "fincorpus":
        with Store(db) as store:
            rows = export(store, out, level)
    else:
        with sqlite3.connect(db) as conn:
            frame = pd.read_sql_query(f"SELECT * FROM {LEVEL_TABLES[level]}", conn)
        frame.to_csv(out, index=False, encoding="utf-8-sig")
        rows = len(frame)
    return {"tool": tool, "level": level, "rows": rows,
            "seconds": time.perf_counter() - began, "base_mb": base, "peak_mb": rss_mb()}


def run_child(tool: str, db: Path, level: str, folder: Path) -> dict:
    """`child` in a new interpreter; its result."""
    out = folder / f"{tool}_{level}.csv"
    done = subprocess.run([sys.executable, __file__, "--child", tool, str(db), level, str(out)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def build(folder: Path, megabytes: float) -> Path:
    """The benchmark store: sample articles copied up to `megabytes` of text, all analysed."""
    from fincorpus.corpus.pipeline import analyze_articles
    from fincorpus.corpus.store import Store
    from pipeline import build_store

    db = folder / "export_bench.db"
    build_store(db, megabytes)
    with Store(db) as store:
        analyze_articles(store, workers=2)
    return db


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=8.0, help="megabytes of article text")
    parser.add_argument("--levels", default="sentence,entity,stance",
                        help=f"comma-separated, of {', '.join(LEVEL_TABLES)}")
    parser.add_argument("--floor", action="append", default=[], metavar="memory=VALUE",
                        help="most fincorpus's extra memory may be, as a share of pandas's")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    args.floors = parse_floors(parser, args.floor, ("memory",), "memory=0.8")
    args.levels = [level.strip() for level in args.levels.split(",") if level.strip()]
    if unknown := set(args.levels) - set(LEVEL_TABLES):
        parser.error(f"--levels are {', '.join(LEVEL_TABLES)}; got {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Build the store, export each level with both tools, print the table, check the floor."""
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="fincorpus-export-") as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        db = build(folder, args.mb)
        print(f"store: {args.mb:g} MB of article text, analysed, in "
              f"{time.perf_counter() - began:.0f} s ({db.stat().st_size / 1e6:.0f} MB file)")
        results = [run_child(tool, db, level, folder)
                   for level in args.levels for tool in ("pandas", "fincorpus")]
    print(f"{'level':9} {'tool':10} {'rows':>8} {'seconds':>8} {'rows/s':>8} {'peak MB':>8} "
          f"{'extra MB':>8}")
    for r in results:
        r["extra_mb"] = r["peak_mb"] - r["base_mb"]
        print(f"{r['level']:9} {r['tool']:10} {r['rows']:8d} {r['seconds']:8.2f} "
              f"{r['rows'] / r['seconds']:8.0f} {r['peak_mb']:8.0f} {r['extra_mb']:8.0f}")
    ratios = {}
    for level in args.levels:
        mine, plain = (next(r for r in results if r["level"] == level and r["tool"] == tool)
                       for tool in ("fincorpus", "pandas"))
        ratios[level] = {"memory": mine["extra_mb"] / max(plain["extra_mb"], 1.0),  # tiny tables
                         "time": mine["seconds"] / plain["seconds"]}
        print(f"{level}: fincorpus's extra memory {ratios[level]['memory']:.2f}x pandas's, "
              f"its time {ratios[level]['time']:.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"mb": args.mb, "results": results, "ratios": ratios},
                                        indent=1) + "\n", encoding="utf-8")
    floor = args.floors.get("memory")
    worst = max(r["memory"] for r in ratios.values())
    if floor is not None and worst > floor:
        print(f"FLOOR MISSED: fincorpus's extra memory {worst:.2f}x pandas's > {floor:g}")
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        tool, db, level, out = sys.argv[2:6]
        print(json.dumps(child(tool, Path(db), level, Path(out))))
        sys.exit(0)
    sys.exit(main())
