"""Worker processes that end with the process that started them, and stay within memory.

A pool worker forked or spawned by `backoffice process` (or by the OCR pool) would keep
running, holding CPU and the data dir, after its parent is killed (`kill -9`, an OOM kill,
a closed terminal): nothing tells it. On Linux the kernel can: `PR_SET_PDEATHSIG` sends the
worker SIGTERM the moment its parent dies. Elsewhere this is a no-op; the executors' own
shutdown still ends workers on a normal exit.

`limit_address_space` bounds how far a worker may grow (RLIMIT_AS) from what it holds when
called: the per-document memory budget of `workflow.budget`, and of the reader processes
that read PDFs for the service's threads (`ingest.readers.processes`), which would
otherwise inherit the service's own, larger, limit.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_STATUS = Path("/proc/self/status")


def die_with_parent(parent_pid: int | None = None) -> bool:
    """Ask the kernel to SIGTERM this process when its parent exits; True when armed.
    `parent_pid`: the parent expected; if it already died before this ran, exit now."""
    if not sys.platform.startswith("linux"):
        return False
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        return False
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died between fork and prctl: nobody will collect us
    return True


def child_pids(pid: int | None = None) -> list[int]:
    """Processes whose parent is `pid` (this process by default), from /proc; [] where
    there is no /proc."""
    pid = os.getpid() if pid is None else pid
    out = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return out
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue  # ended meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(name))
    return out


def kill_children() -> None:
    """SIGKILL every child of this process. A worker ending on SIGTERM calls it after
    killing the children it knows of: one started a moment before the signal (between
    `Popen` returning and its registration) is known to nobody else."""
    for child in child_pids():
        try:
            os.kill(child, signal.SIGKILL)
        except OSError:
            pass  # already gone


def address_space_mb() -> int:
    """This process's current address space (VmSize), 0 where /proc is not there."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def limit_address_space(budget_mb: int) -> tuple[int, int] | None:
    """Let this process grow its address space by at most `budget_mb` from now on
    (RLIMIT_AS, soft limit, never above the hard one); (address space now, limit) in MB.
    None when `budget_mb` <= 0 or the platform has no such limit."""
    if budget_mb <= 0 or not sys.platform.startswith("linux"):
        return None
    base = address_space_mb()
    limit = base + budget_mb
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard >> 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit << 20, hard))
    return base, limit
