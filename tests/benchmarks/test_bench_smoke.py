"""`make bench SIZE=S` as a smoke run in the suite (issue 17): the whole benchmark on the
demo-sized company — generation, a cold, a no-op and a +1 day refresh, every page's
queries, `ar_aging_at`, the pandas baseline — written to a report of its own (not
docs/benchmarks.md) and printed after the test summary (tests/conftest.py). Its times are
figures, never asserted; what is asserted is that every part ran and what must hold
whatever the machine: the no-op refresh started nothing and the baseline agrees with the
marts to the cent."""

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import bench_smoke_report

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "tests" / "benchmarks" / "bench.py"
# The eight pages of the dashboards (one query module each); frame and data_quality too.
PAGES = ("aging", "bank", "client_file", "committee", "concentration", "overview", "payment_behavior", "worklist")
NUMBER = r"[\d,]+\.\d+"


def test_the_s_benchmark_runs_whole_and_its_baseline_agrees_with_the_marts(tmp_path, request):
    report = tmp_path / "benchmarks.md"
    env = {name: value for name, value in os.environ.items() if not name.startswith("CARTERA_")}

    result = subprocess.run(
        [sys.executable, str(BENCH), "--size", "S", "--runs", "3", "--report", str(report)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1800,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    text = report.read_text(encoding="utf-8")
    printed = bench_smoke_report(request.config)
    if printed is not None:
        printed.write_text(text[text.find("<!-- size S -->"):], encoding="utf-8")
    assert "## S: 300 clients x 2 years" in text
    rows = {line.split(" | ")[0].lstrip("| ").split(" ")[0]: line.split(" | ") for line in text.splitlines()
            if line.startswith(("| cold", "| no-op", "| +1 day"))}
    assert set(rows) == {"cold", "no-op", "+1"}
    for name in ("cold", "+1"):  # wall, CPU, peak RSS, then ingest, dbt build, checks, publish
        assert all(re.fullmatch(rf"{NUMBER} (s|GiB)", cell.strip(" |")) for cell in rows[name][1:]), rows[name]
    # Nothing new: no Dagster run, so no stage has a time.
    assert [cell.strip(" |") for cell in rows["no-op"][4:]] == ["-", "-", "-", "-"], rows["no-op"]
    pages = {line.split(" | ")[0].lstrip("| ") for line in text.splitlines() if re.match(rf"\| \w+ \| \d+ \| {NUMBER} \|", line)}
    assert set(PAGES) <= pages, pages
    assert re.search(rf"`marts\.ar_aging_at\('\d{{4}}-\d\d-\d\d'\)` \(3 calls\): median {NUMBER} ms", text)
    assert "It agrees with the marts to the cent on every figure compared" in text
    assert "DISAGREES" not in text
