"""Pool workers end when the process that started them is killed."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

SCRIPT = textwrap.dedent("""
    import os, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from ingest.children import die_with_parent

    def pid_then_sleep(_):
        return os.getpid()

    def hang(_):
        time.sleep(600)

    if __name__ == "__main__":
        armed = sys.argv[1] == "1"
        kw = {"initializer": die_with_parent, "initargs": (os.getpid(),)} if armed else {}
        pool = ProcessPoolExecutor(max_workers=2, **kw)
        pids = set(pool.map(pid_then_sleep, range(8)))
        pool.submit(hang, 0); pool.submit(hang, 1)
        print(" ".join(map(str, pids)), flush=True)
        time.sleep(600)
""")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _workers_after_parent_killed(armed: bool) -> list[int]:
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, "1" if armed else "0"],
                            stdout=subprocess.PIPE, text=True, env=env)
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert pids, "the pool started no workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    alive = [p for p in pids if _alive(p)]
    for p in alive:  # do not leave the unarmed control's workers behind
        os.kill(p, signal.SIGKILL)
    return alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_armed_workers_die_with_their_parent_and_unarmed_ones_do_not():
    assert _workers_after_parent_killed(armed=True) == []
    assert _workers_after_parent_killed(armed=False) != []  # the control: the test can fail
