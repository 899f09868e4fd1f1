"""analyze on a Dask cluster: articles go out, rows come back, this process writes them.

A real in-process Dask cluster (threads, no network beyond this process)."""

from __future__ import annotations

import dask
import pytest
from distributed import Client, LocalCluster

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.pipeline import analyze_articles
from fincorpus.corpus.store import Store

TABLES = ("sentences", "entities", "scores", "stances")


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every analysis row of the store, in article and write order."""
    return {t: store.rows(f"SELECT * FROM {t} ORDER BY article_id, rowid") for t in TABLES}


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                      dashboard_address=None) as running:
        yield running


def test_remote_workers_give_the_rows_this_process_gives(analysed, cluster) -> None:
    here = dump(analysed)  # the fixture analysed in this process
    with Client(cluster) as client:
        report = analyze_articles(analysed, workers=2, redo=True, pool=client.get_executor(),
                                  remote=True, batch_chars=3000)
    assert report.analyzed == 3 and not report.failures
    assert dump(analysed) == here and all(here.values())


def test_cli_runs_on_the_cluster_named(analysed, runner, cluster) -> None:
    from fincorpus.corpus.cli import app

    result = runner.invoke(app, ["analyze", "--all", "--db", str(analysed.path),
                                 "--dask", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert "analysed 3 articles" in result.output


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:9", "no-port-here"])
def test_unreachable_scheduler_is_a_one_line_error(db_path, runner, address) -> None:
    from fincorpus.corpus.cli import app

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = runner.invoke(app, ["analyze", "--db", str(db_path), "--dask", address])
    assert result.exit_code == 1
    assert f"--dask {address}: cannot reach the scheduler" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_remote_needs_a_pool(analysed) -> None:
    with pytest.raises(BadInput, match="remote=True needs the pool"):
        analyze_articles(analysed, redo=True, remote=True)
