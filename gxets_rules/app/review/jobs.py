"""How many worker processes a batch review uses by default: one per CPU, as many as the memory holds.

Each worker is a fork of the process that loaded the rule sets and the ownership graph. What they inherit is shared
(copy-on-write, and frozen out of the garbage collector's reach before the fork so that collecting does not copy it);
what a worker adds is its own: the statuses and involvement figures it works out, and the firm it is evaluating.
Measured on the 50,000-entity benchmark graph (benchmarks/README.md) that is about 400 MB per worker, so the rule
budgets ``WORKER_BYTES`` per worker out of the memory available now, less ``RESERVE_BYTES`` for the parent and the
system: ``jobs = max(1, min(CPUs usable, (available − reserve) // per worker))``. ``--jobs`` overrides it.
"""

from __future__ import annotations

import os
from pathlib import Path

WORKER_BYTES = 512 * 1024 * 1024
"""Memory budgeted per worker process (the benchmark's workers grow by about 400 MB each)."""
RESERVE_BYTES = 1024 * 1024 * 1024
"""Memory left for the parent process (which holds the shared inputs) and everything else on the machine."""


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, e.g. a container's share), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on every platform
        return os.cpu_count() or 1


def available_memory(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """Bytes of memory available for new work now (Linux ``MemAvailable``), or None where that cannot be read."""
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def default_jobs(cpus: int | None = None, available: int | None = None) -> int:
    """One worker per usable CPU, but no more than fit in the available memory at ``WORKER_BYTES`` each after
    ``RESERVE_BYTES``; at least one. Where the available memory is unknown, the CPU count alone decides."""
    cpus = usable_cpus() if cpus is None else cpus
    available = available_memory() if available is None else available
    if available is None:
        return max(1, cpus)
    return max(1, min(cpus, (available - RESERVE_BYTES) // WORKER_BYTES))
