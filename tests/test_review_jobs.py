"""The default number of review workers: one per CPU, as many as the available memory holds (issue 18)."""

from __future__ import annotations

from pathlib import Path

from gxets_rules.app.review.jobs import RESERVE_BYTES, WORKER_BYTES, available_memory, default_jobs

GB = 1024**3


def test_one_worker_per_cpu_when_memory_is_plentiful() -> None:
    assert default_jobs(cpus=2, available=64 * GB) == 2


def test_memory_bounds_the_workers_and_there_is_always_one() -> None:
    assert default_jobs(cpus=64, available=RESERVE_BYTES + 3 * WORKER_BYTES) == 3
    assert default_jobs(cpus=8, available=GB // 2) == 1


def test_available_memory_is_read_from_meminfo_and_unknown_without_it(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       16000000 kB\nMemAvailable:    2097152 kB\n", encoding="ascii")
    assert available_memory(meminfo) == 2 * GB
    assert available_memory(tmp_path / "missing") is None
