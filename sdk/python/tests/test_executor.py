"""Warm workers against a real node: the assign/claim/renew/close cycle in one Python process."""
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import colony
from conftest import LEASE_MS, die_with_parent, wait_until


def _executor(node, key, type_, **kw):
    return colony.Executor(type=type_, client=node.client(key), poll_timeout=1.0, **kw)


def test_functions_get_args_and_kwargs_and_their_return_value_is_the_output(node, user, executor_key):
    ex = _executor(node, executor_key, "py-basic")
    seen = {}

    @ex.function("preprocess")
    def preprocess(path, scale="1", *, mode="fast"):
        seen["task"] = colony.task().id
        colony.task().log("preprocessing " + path)
        return ["%s x%s %s" % (path, scale, mode), {"n": 2}]

    @ex.function()
    def boom():
        raise ValueError("bad trace header")

    ex.start()
    try:
        ok = user.submit({"conditions": {"executortype": "py-basic"}, "funcname": "preprocess",
                          "args": ["shot.segy", "3"], "kwargs": {"mode": "slow"}})
        bad = user.submit({"conditions": {"executortype": "py-basic"}, "funcname": "boom"})
        unknown = user.submit({"conditions": {"executortype": "py-basic"}, "funcname": "nope"})
        ok = user.wait(ok["id"], 60)
        assert ok["state"] == "SUCCESS", ok
        assert ok["output"] == ["shot.segy x3 slow", '{"n": 2}']
        assert seen["task"] == ok["id"]
        assert "preprocessing shot.segy" in user.logs(ok["id"])
        assert ok["executorName"] == ex.name
        bad = user.wait(bad["id"], 60)
        assert bad["state"] == "FAILED" and "ValueError: bad trace header" in bad["errors"], bad
        unknown = user.wait(unknown["id"], 60)
        assert unknown["state"] == "FAILED"
        assert any("unknown funcname 'nope'" in e and "boom, preprocess" in e for e in unknown["errors"]), unknown
    finally:
        ex.stop()


def test_a_warm_worker_runs_a_thousand_tasks_in_one_process(node, user, executor_key):
    ex = _executor(node, executor_key, "py-warm", workers=4)
    calls = []
    pids = set()

    @ex.function("square")
    def square(x):
        calls.append(x)
        pids.add(os.getpid())
        return str(int(x) * int(x))

    n = 1000
    ids = []
    lock = threading.Lock()

    def submit(chunk):
        for i in chunk:
            p = user.submit({"conditions": {"executortype": "py-warm"}, "funcname": "square", "args": [str(i)]})
            with lock:
                ids.append((i, p["id"]))

    threads = [threading.Thread(target=submit, args=(range(k, n, 4),)) for k in range(4)]
    ex.start()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wait_until("1000 tasks done", lambda: ex.completed >= n, timeout=300, every=0.2)
    finally:
        ex.stop()
    assert len(calls) == n and pids == {os.getpid()}
    for i, pid in ids[:: 97]:
        p = user.get(pid)
        assert p["state"] == "SUCCESS" and p["output"] == [str(i * i)], p


def test_an_executor_renews_its_lease_while_a_long_task_runs(node, user, executor_key):
    ex = _executor(node, executor_key, "py-long")
    release = threading.Event()

    @ex.function()
    def slow():
        release.wait(30)
        return "slept"

    ex.start()
    try:
        p = user.submit({"conditions": {"executortype": "py-long"}, "funcname": "slow"})
        wait_until("running", lambda: user.get(p["id"])["state"] == "RUNNING")
        first = user.get(p["id"])["leaseUntilMs"]
        wait_until("a renewal", lambda: user.get(p["id"])["leaseUntilMs"] > first, timeout=LEASE_MS / 1000 * 2)
        # past the first lease end, still attempt 1: only renewals keep it
        wait_until("past the first lease", lambda: time.time() * 1000 > first + 2500, timeout=LEASE_MS / 1000 * 3)
        assert user.get(p["id"])["state"] == "RUNNING" and user.get(p["id"])["attempt"] == 1
        release.set()
        done = user.wait(p["id"], 30)
        assert done["state"] == "SUCCESS" and done["output"] == ["slept"] and done["attempt"] == 1
    finally:
        release.set()
        ex.stop()


def test_a_cancelled_task_is_given_up_and_never_closed(node, user, executor_key):
    ex = _executor(node, executor_key, "py-cancel")
    started, release = threading.Event(), threading.Event()

    @ex.function()
    def wait_here():
        started.set()
        release.wait(30)
        return "too late"

    ex.start()
    try:
        p = user.submit({"conditions": {"executortype": "py-cancel"}, "funcname": "wait_here"})
        assert started.wait(30)
        user.cancel(p["id"], "stop it")
        # the next renewal is refused: the attempt is no longer this executor's
        wait_until("the attempt given up", lambda: any(tk.lost for tk in list(ex._running)),
                   timeout=LEASE_MS / 1000 * 2)
        release.set()
        wait_until("the result dropped", lambda: ex.dropped == 1, timeout=10)
        done = user.get(p["id"])
        assert done["state"] == "FAILED" and done["output"] == []
        assert not any(h.get("kind", "").upper() == "CLOSE" for h in done["history"]), done["history"]
    finally:
        release.set()
        ex.stop()


WORKER = r"""
import sys, threading
import colony
ex = colony.Executor(type=sys.argv[1], name=sys.argv[2], poll_timeout=1.0)
@ex.function()
def work(tag):
    print("started", tag, flush=True)
    if sys.argv[2] == "first":
        threading.Event().wait(600)   # killed here
    return "done by " + sys.argv[2]
ex.run()
"""


def test_a_worker_killed_mid_task_has_its_process_reassigned(node, user, executor_key, tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = node.env(executor_key.private_hex)
    first = subprocess.Popen([sys.executable, str(script), "py-kill", "first"], env=env, stdout=subprocess.PIPE,
                             text=True, preexec_fn=die_with_parent)
    second = None
    try:
        p = user.submit({"conditions": {"executortype": "py-kill"}, "funcname": "work", "args": ["t1"],
                         "maxretries": 2})
        assert first.stdout.readline().strip() == "started t1"
        assert user.get(p["id"])["executorName"] == "first"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        second = subprocess.Popen([sys.executable, str(script), "py-kill", "second"], env=env,
                                  stdout=subprocess.DEVNULL, preexec_fn=die_with_parent)
        done = user.wait(p["id"], 60)
        assert done["state"] == "SUCCESS", done
        assert done["output"] == ["done by second"] and done["attempt"] == 2 and done["executorName"] == "second"
    finally:
        for w in (first, second):
            if w is not None and w.poll() is None:
                w.kill()
                w.wait(10)


def test_stop_releases_held_attempts_at_once(node, user, executor_key):
    ex = _executor(node, executor_key, "py-release")
    started = threading.Event()

    @ex.function()
    def hang():
        started.set()
        threading.Event().wait(5)

    ex.start()
    p = user.submit({"conditions": {"executortype": "py-release"}, "funcname": "hang"})
    assert started.wait(30)
    ex.stop(timeout=0.1)
    wait_until("back to waiting", lambda: user.get(p["id"])["state"] == "WAITING", timeout=5)
    user.cancel(p["id"], "cleanup")


def test_resources_an_executor_offers_decide_what_it_may_take(node, user, executor_key):
    small = _executor(node, executor_key, "py-gpu", name="no-gpu")
    big = _executor(node, executor_key, "py-gpu", name="with-gpu", cpu="8", memory="32Gi", gpu=1)

    @small.function("train")
    @big.function("train")
    def train():
        return colony.task().id

    p = user.submit({"conditions": {"executortype": "py-gpu", "cpu": "2", "memory": "1Gi", "gpu": "1"},
                     "funcname": "train"})
    small.start()
    try:
        # an executor that offers nothing is not offered the process
        assert small.client.assign("py-gpu", "no-gpu", timeout=1.0) is None
        assert user.get(p["id"])["state"] == "WAITING"
        big.start()
        done = user.wait(p["id"], 60)
        assert done["state"] == "SUCCESS" and done["executorName"] == "with-gpu", done
        claim = [h for h in done["history"] if h.get("kind", "").upper() == "CLAIM"]
        assert claim, done["history"]
    finally:
        small.stop()
        big.stop()


def test_bad_executor_settings_are_clear_errors(node, executor_key):
    with pytest.raises(colony.ColonyError):
        colony.Executor(type="", client=node.client(executor_key))
    with pytest.raises(colony.ColonyError):
        colony.Executor(type="x", client=node.client(executor_key), workers=0)
    c = node.client(executor_key)
    with pytest.raises(colony.BadRequestError) as e:
        c.assign("py-x", "n", timeout=0, cpu="lots")
    assert "cpu" in e.value.message


def test_executor_list_shows_built_in_and_external_executors(node, user, executor_key):
    ex = _executor(node, executor_key, "py-listed", name="lister", cpu="2", memory="4Gi", gpu=1)
    started, release = threading.Event(), threading.Event()

    @ex.function()
    def hold():
        started.set()
        release.wait(30)

    ex.start()
    try:
        p = user.submit({"conditions": {"executortype": "py-listed"}, "funcname": "hold"})
        assert started.wait(30)
        info = user.node_info()
        listed = wait_until("the executor listed as running one", lambda: [
            e for e in user.executors() if e["name"] == "lister" and e["running"] == 1])
        e = listed[0]
        assert e["type"] == "py-listed" and e["kind"] == "external" and e["id"] == executor_key.member_id
        assert e["node"] == info["node"]
        assert (e["cpuMillis"], e["memoryMb"], e["gpus"]) == (2000, 4096, 1)
        assert time.time() * 1000 - e["lastSeenMs"] < 30_000
        built_in = [x for x in user.executors() if x["kind"] == "built-in"]
        assert [(x["type"], x["name"], x["capacity"], x["node"]) for x in built_in] == [
            ("cli", info["name"], 2, info["node"])]
        release.set()
        user.wait(p["id"], 30)
    finally:
        release.set()
        ex.stop()


def test_a_task_claimed_while_stopping_is_handed_back_not_run(node, user, executor_key):
    ex = _executor(node, executor_key, "py-stopping")
    ran = []

    @ex.function()
    def work():
        ran.append(1)

    # stop is asked while the worker's long poll is under way; the process arrives during that poll
    p = user.submit({"conditions": {"executortype": "py-stopping"}, "funcname": "work"})
    real_assign = ex.client.assign

    def assign_while_stopping(*a, **kw):
        ex._stop.set()
        return real_assign(*a, **kw)

    ex.client.assign = assign_while_stopping
    ex.start()
    wait_until("handed back", lambda: any(h["kind"].upper() == "FAIL" for h in user.get(p["id"])["history"]),
               timeout=10)
    ex.stop()
    assert ran == [] and user.get(p["id"])["state"] == "WAITING"
    user.cancel(p["id"], "cleanup")


def test_the_claim_body_carries_the_offer(node, user, executor_key):
    import base64
    from colony._pb import colony_pb2 as pb
    c = node.client(executor_key)
    p = user.submit({"conditions": {"executortype": "py-offer", "gpu": {"count": 1}}, "funcname": "x"})
    status, offer = c.transport.request("POST", "/executors/assign", {
        "executortype": "py-offer", "executorname": "o", "executorid": executor_key.member_id, "timeout": 5,
        "cpu": "1500m", "memory": "2Gi", "gpu": "1"})
    assert status == 200 and offer["process"]["id"] == p["id"]
    claim = pb.Record.FromString(base64.b64decode(offer["claimBody"])).claim
    assert (claim.cpu_millis, claim.memory_mb, claim.gpus, claim.executor_name) == (1500, 2048, 1, "o")
    user.cancel(p["id"], "cleanup")
