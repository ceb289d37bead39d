"""A no-op Celery task for the side-by-side comparison with `colony bench local`.

The task records the moment it starts (time.time(), same clock as the submitter on this machine)
by appending "<task id> <start time>" to the file named by BENCH_STARTS, so the latency mode needs
no result backend.
"""
import os
import time

from celery import Celery

BROKER = os.environ.get("BENCH_BROKER", "amqp://guest:guest@127.0.0.1:5682//")
STARTS = os.environ.get("BENCH_STARTS", "/tmp/celery-bench-starts.txt")

app = Celery("bench", broker=BROKER)
app.conf.update(
    task_acks_late=True,
    task_ignore_result=True,
    result_backend=None,
    worker_prefetch_multiplier=int(os.environ.get("BENCH_PREFETCH", "64")),
    broker_heartbeat=0,
    broker_pool_limit=4,
    worker_send_task_events=False,
    task_send_sent_event=False,
    worker_disable_rate_limits=True,
    task_serializer="json",
    accept_content=["json"],
)

_out = None


@app.task(name="bench.noop")
def noop(seq):
    """Do nothing but note when it started (unbuffered, one line per task)."""
    global _out
    now = time.time()
    if _out is None:
        _out = open(STARTS, "a", buffering=1)
    _out.write(f"{seq} {now:.6f}\n")
    return None
