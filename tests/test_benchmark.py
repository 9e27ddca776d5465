"""The benchmark still runs (a smoke test: no timing is asserted here, ever)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


BENCHMARK = Path(__file__).parents[1] / "benchmarks" / "bench_evaluate.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_evaluate", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("index", [0, 1], ids=["2023-06", "2026-01"])
def test_the_benchmark_measures_both_versions(bench, index: int, capsys):
    """One tiny row per version: the engine and the plain scorer agree, and a row is printed."""
    results = bench.measure(bench.DATES[index], rows=[(20, 1, 1)])

    assert [20] == list(results)
    assert "20 people" in capsys.readouterr().out


FIRST_EVALUATION = Path(__file__).parents[1] / "benchmarks" / "bench_first_evaluation.py"


def test_the_first_evaluation_benchmark_measures_fresh_processes(capsys):
    """Two fresh processes: the first and the second evaluation are each measured, and the ratio is printed."""
    spec = importlib.util.spec_from_file_location("bench_first_evaluation", FIRST_EVALUATION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    medians = module.measure(processes=2)

    assert ["first", "second"] == list(medians)
    assert "ratio" in capsys.readouterr().out


DESIGNATIONS = Path(__file__).parents[1] / "benchmarks" / "bench_designations.py"


def test_the_designations_benchmark_measures_six_beside_one(capsys):
    """A tiny partner, warm and cold: Modern Work alone and all six are each measured, and the ratios printed."""
    spec = importlib.util.spec_from_file_location("bench_designations", DESIGNATIONS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    module.warm(people=5, repeat=1, number=1)
    module.cold(people=5, processes=1)

    out = capsys.readouterr().out
    assert out.count("ratio") == 2
    assert all(designation in out for designation in module.DESIGNATIONS)
