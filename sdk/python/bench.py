"""Benchmarks of the Python SDK against a running node (COLONY_HOST, COLONY_PORT, COLONY_PRVKEY):

  1. tasks per second through one warm worker running a no-op function (all tasks submitted first);
  2. submit-to-start latency p50/p99 with one task in flight (submit, the worker starts it, it ends, next).

The key must be allowed to submit and to run as an executor (e.g. the colony owner's key, or a key
admitted with both roles' rights). Usage:

    PYTHONPATH=sdk/python python3 sdk/python/bench.py [--tasks 1000] [--latency 200] [--workers 1]
"""
import argparse
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import colony  # noqa: E402


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=1000)
    ap.add_argument("--latency", type=int, default=200, help="tasks for the latency run")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--submitters", type=int, default=4)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    client = colony.Client.from_env()
    run_type = "bench-py-%d" % os.getpid()
    started = {}

    ex = colony.Executor(type=run_type, client=colony.Client.from_env(), workers=a.workers, poll_timeout=2.0)

    @ex.function("noop")
    def noop(tag=""):
        if tag:
            started[tag] = time.monotonic()
        return None

    spec = {"conditions": {"executortype": run_type}, "funcname": "noop"}

    # 1. throughput: everything submitted, then one warm worker drains it
    t0 = time.monotonic()
    chunks = [range(k, a.tasks, a.submitters) for k in range(a.submitters)]
    threads = [threading.Thread(target=lambda c=c: [client.submit(spec) for _ in c]) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    submit_s = time.monotonic() - t0
    t1 = time.monotonic()
    ex.start()
    while ex.completed < a.tasks:
        time.sleep(0.01)
    run_s = time.monotonic() - t1

    # 2. latency: one task in flight at a time
    lat = []
    for i in range(a.latency):
        tag = "t%d" % i
        s = time.monotonic()
        p = client.submit(dict(spec, args=[tag]))
        client.wait(p["id"], timeout=60)
        lat.append((started[tag] - s) * 1000.0)
    ex.stop()

    result = {"tasks": a.tasks, "workers": a.workers, "submitPerSecond": round(a.tasks / submit_s, 1),
              "tasksPerSecond": round(a.tasks / run_s, 1),
              "submitToStartMsP50": round(pct(lat, 50), 1), "submitToStartMsP99": round(pct(lat, 99), 1),
              "cores": os.cpu_count()}
    if a.json:
        print(json.dumps(result))
    else:
        print("warm worker, no-op function: %d tasks in %.2f s = %.0f tasks/s (%d worker thread%s)"
              % (a.tasks, run_s, result["tasksPerSecond"], a.workers, "" if a.workers == 1 else "s"))
        print("submits (%d client threads): %.0f /s" % (a.submitters, result["submitPerSecond"]))
        print("submit-to-start latency, one task in flight (%d tasks): p50 %.1f ms, p99 %.1f ms"
              % (a.latency, result["submitToStartMsP50"], result["submitToStartMsP99"]))


if __name__ == "__main__":
    try:
        main()
    except colony.ColonyError as e:
        sys.exit("bench: " + str(e))
