"""The client against a real node: submit, wait, logs, workflows, cancel, crons, generators, errors."""
import pytest

import colony
from conftest import wait_until

ECHO = {"conditions": {"executortype": "cli"}, "funcname": "echo"}


def test_submit_waits_and_reads_logs(user):
    p = user.submit(dict(ECHO, args=["hello-from-python"]))
    assert len(p["id"]) == 64 and p["state"] in ("WAITING", "RUNNING", "SUCCESS")
    done = user.wait(p["id"], timeout=60)
    assert done["state"] == "SUCCESS", done
    assert done["output"] == ["hello-from-python"]
    assert "hello-from-python" in " ".join(user.logs(p["id"]))
    assert any(x["id"] == p["id"] for x in user.ps(limit=50))
    assert any(x["id"] == p["id"] for x in user.ps(state="success", limit=50))


def test_run_gives_a_failed_process_with_its_errors(user):
    p = user.run({"conditions": {"executortype": "cli"}, "funcname": "false"}, timeout=60)
    assert p["state"] == "FAILED"


def test_workflow_runs_steps_in_order(user):
    wf = user.submit_workflow({"functionspecs": [
        dict(ECHO, nodename="a", args=["A"]),
        {"nodename": "b", "funcname": "sh", "args": ["-c", "echo got $COLONY_IN"],
         "conditions": {"executortype": "cli", "dependencies": ["a"]}}]})
    done = user.wait_workflow(wf["id"], timeout=60)
    assert done["state"] == "SUCCESS", done
    outputs = [p["output"] for p in done["processes"]]
    assert ['got ["A"]'] in outputs


def test_cancel_fails_a_waiting_process(user):
    p = user.submit({"conditions": {"executortype": "nobody-runs-this"}, "funcname": "x"})
    user.cancel(p["id"], "not needed")
    done = user.wait(p["id"], timeout=30)
    assert done["state"] == "FAILED"
    assert any("cancelled: not needed" in e for e in done["errors"])


def test_crons_and_generators(user):
    c = user.add_cron(dict(ECHO, args=["tick"]), "* * * * * *", name="py-cron")
    assert c["kind"] == "cron" and c["name"] == "py-cron"
    wait_until("a cron tick", lambda: user.cron(c["id"])["runs"] >= 1, timeout=30)
    assert any(x["id"] == c["id"] for x in user.crons())
    assert user.remove_cron(c["id"])["removed"] is not None
    g = user.add_generator(dict(ECHO), trigger=2, name="py-gen")
    assert user.pack(g["id"], "one")["pending"] == 1
    user.pack(g["id"], "two")
    wait_until("a generator run", lambda: user.generator(g["id"])["runs"] >= 1, timeout=30)
    assert any(x["id"] == g["id"] for x in user.generators())
    user.remove_generator(g["id"])
    with pytest.raises(colony.ConflictError) as e:
        user.remove_generator(g["id"])
    assert "removed" in e.value.message


def test_bad_input_is_an_exception_with_the_nodes_message(node, user):
    with pytest.raises(colony.SpecError) as e:
        user.submit({"conditions": {"executortype": "cli"}, "funcname": "echo", "bogus": 1})
    assert e.value.field == "bogus" and "unknown field" in str(e.value)
    with pytest.raises(colony.SpecError):
        user.submit({"funcname": "echo"})
    with pytest.raises(colony.SpecError):
        user.submit("{not json")
    with pytest.raises(colony.NotFoundError) as e:
        user.get("00" * 32)
    assert "no process" in e.value.message and e.value.status == 404
    with pytest.raises(colony.ColonyError) as e:
        user.get("not-an-id")
    assert "64 hex" in str(e.value)
    stranger = node.client(colony.Key.generate())
    with pytest.raises(colony.AccessDeniedError) as e:
        stranger.submit(dict(ECHO, args=["x"]))
    assert "not a member" in e.value.message
    with pytest.raises(colony.BadRequestError) as e:
        user.add_cron(dict(ECHO), "not a schedule")
    assert e.value.status == 400 and e.value.message
    with pytest.raises(colony.BadRequestError) as e:
        user.ps(limit=5000)
    assert "limit" in e.value.message


def test_an_unreachable_node_is_one_clear_error():
    c = colony.Client("127.0.0.1", 1, colony.Key.generate(), timeout=2)
    with pytest.raises(colony.ConnectError) as e:
        c.node_info()
    assert "cannot reach the node at http://127.0.0.1:1" in str(e.value)


def test_settings_come_from_the_environment():
    k = colony.Key.generate()
    c = colony.Client.from_env({"COLONY_HOST": "10.1.2.3", "COLONY_PORT": "4444", "COLONY_PRVKEY": k.private_hex,
                                "COLONY_TLS": "true"})
    assert c.transport.base_url == "https://10.1.2.3:4444" and c.key.member_id == k.member_id
    pinned = colony.Client.from_env({"COLONY_TLS_FINGERPRINT": "AB:" * 31 + "AB"})
    assert pinned.transport.tls and pinned.transport.fingerprint == "ab" * 32
    for bad in ({"COLONY_PORT": "http"}, {"COLONY_TLS": "maybe"}, {"COLONY_TLS_FINGERPRINT": "abc"},
                {"COLONY_PRVKEY": "nope"}):
        with pytest.raises(colony.ColonyError):
            colony.Client.from_env(bad)


def test_bad_arguments_are_colony_errors_not_tracebacks(user):
    cases = [lambda: user.ps(limit="many"), lambda: user.ps(limit=0), lambda: user.wait("00" * 32, timeout="x"),
             lambda: user.add_generator(ECHO, trigger="x"), lambda: user.add_cron(ECHO, 5),
             lambda: user.submit(dict(ECHO, kwargs={"f": object()})), lambda: user.submit(dict(ECHO, env={1: "x"})),
             lambda: user.submit(dict(ECHO, args="not-a-list")), lambda: user.submit([1, 2]),
             lambda: user.assign("", "n", timeout=0), lambda: user.assign("t", "n", timeout=-1),
             lambda: colony.Client("127.0.0.1", "port"), lambda: colony.Client("127.0.0.1", 70000),
             lambda: user.admit("00" * 32, role="king")]
    for i, case in enumerate(cases):
        with pytest.raises(colony.ColonyError):
            case()
