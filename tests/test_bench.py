"""Each benchmark in bench/ runs at a tiny size and prints its table, so none of them rots between `make bench` runs.
The figures at these sizes mean nothing; only that the scripts work is checked."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "arguments",
    [
        ["bench.lists", "--rows", "120", "--small", "60", "--huge", "200", "--rounds", "1"],
        ["bench.writes", "--rows", "50", "--seconds", "0.5", "--rounds", "1", "--workers", "2"],
        ["bench.seed", "--rows", "300", "--rounds", "1"],
        ["bench.search", "--rows", "300", "--small", "60", "--rounds", "1"],
        ["bench.bulk", "--rows", "600", "--rounds", "1", "--delete", "30"],
        ["bench.history", "--rows", "100", "--saves", "3", "--rounds", "1", "--few", "200", "--many", "400",
         "--big", "50"],
        ["bench.transfer", "--students", "300", "--rows", "50"],
    ],
    ids=lambda arguments: arguments[0],
)
def test_benchmark_runs_and_prints_its_table(arguments, tmp_path):
    environment = {**os.environ, "ROSTER_BENCH_DATA": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", *arguments], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "| what | A | B | B/A | goal | met |" in result.stdout
    assert "Every goal met:" in result.stdout
