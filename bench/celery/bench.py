"""Celery side of the comparison: end-to-end tasks/s and submit-to-start latency.

  python3 bench.py throughput N   one submitting thread sends N no-op tasks; time until the
                                  worker started the last of them (tasks/s end to end)
  python3 bench.py latency N      one task in flight: time from just before apply_async to the
                                  task's start (same clock), p50/p99 over N tasks
"""
import os
import resource
import sys
import time

from tasks import STARTS, noop

STARTS_FILE = STARTS


def wait_for(seq_wanted, timeout=120.0, poll=0.0002):
    """Tail the start file until task seq_wanted appears; returns its start time."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = read_tail().get(seq_wanted)
        if s is not None:
            return s
        time.sleep(poll)
    raise SystemExit(f"task {seq_wanted} did not start within {timeout} s")


_tail_pos = 0
_tail_seen = {}


def read_tail():
    global _tail_pos
    try:
        with open(STARTS_FILE) as f:
            f.seek(_tail_pos)
            chunk = f.read()
            end = chunk.rfind("\n")
            if end >= 0:
                for line in chunk[: end + 1].splitlines():
                    a, b = line.split()
                    _tail_seen[int(a)] = float(b)
                _tail_pos += len(chunk[: end + 1].encode())
    except FileNotFoundError:
        pass
    return _tail_seen


def pct(sorted_vals, p):
    i = min(len(sorted_vals) - 1, max(0, int(round(p / 100.0 * len(sorted_vals))) - 1))
    return sorted_vals[i]


def cpu_s():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def throughput(n, base):
    c0 = cpu_s()
    t0 = time.time()
    for i in range(n):
        noop.apply_async((base + i,))
    t_sent = time.time()
    wait_for(base + n - 1)
    starts = read_tail()
    missing = [i for i in range(n) if base + i not in starts]
    while missing:
        time.sleep(0.01)
        starts = read_tail()
        missing = [i for i in range(n) if base + i not in starts]
    t1 = max(starts[base + i] for i in range(n))
    c1 = cpu_s()
    print(f"celery throughput: {n} tasks in {t1 - t0:.3f} s = {n / (t1 - t0):.0f} tasks/s end to end "
          f"(submit {n / (t_sent - t0):.0f} /s); client cpu {1000 * (c1 - c0) / n:.3f} ms/task")


def latency(n, base):
    lat = []
    for i in range(n):
        seq = base + i
        t0 = time.time()
        noop.apply_async((seq,))
        started = wait_for(seq)
        lat.append((started - t0) * 1000.0)
    lat.sort()
    print(f"celery latency (1 in flight, {n} tasks): submit-to-start p50 {pct(lat, 50):.2f} ms, "
          f"p99 {pct(lat, 99):.2f} ms, max {lat[-1]:.2f} ms")


if __name__ == "__main__":
    mode, n = sys.argv[1], int(sys.argv[2])
    base = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    # connect once before timing
    noop.app.connection_for_write().ensure_connection(max_retries=3)
    with noop.app.producer_or_acquire() as _:
        pass
    if mode == "throughput":
        throughput(n, base)
    elif mode == "latency":
        latency(n, base)
    else:
        raise SystemExit(__doc__)
