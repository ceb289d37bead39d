"""A worker on the other side of TLS: it pins the node's certificate by the fingerprint `colony dev --api-tls`
prints, and refuses a node whose certificate is not the pinned one."""
import pytest

import colony
from conftest import DevNode, wait_until


@pytest.fixture(scope="module")
def tls_node():
    n = DevNode("--api-tls", "--executor-type", "none")
    yield n
    n.close()


def _client(n, key, fingerprint):
    return colony.Client("127.0.0.1", n.port, key, fingerprint=fingerprint)


def test_a_worker_pinning_the_nodes_fingerprint_runs_a_task_over_tls(tls_node):
    fp = tls_node.exports["COLONY_TLS_FINGERPRINT"]
    owner = _client(tls_node, tls_node.owner_key, fp)
    user = _client(tls_node, tls_node.exports["COLONY_PRVKEY"], fp)
    k = colony.Key.generate()
    owner.admit(k.member_id, role="executor", name="remote-worker")
    ex = colony.Executor(type="py-remote", client=_client(tls_node, k, fp), poll_timeout=2.0)

    @ex.function("hello")
    def hello(who):
        return "hello " + who

    ex.start()
    try:
        p = user.submit({"conditions": {"executortype": "py-remote"}, "funcname": "hello", "args": ["tls"]})
        p = user.wait(p["id"], timeout=60)
        assert p["state"] == "SUCCESS", p
        assert p["output"] == ["hello tls"]
    finally:
        ex.stop()


def test_a_wrong_fingerprint_refuses_to_connect(tls_node):
    fp = tls_node.exports["COLONY_TLS_FINGERPRINT"]
    wrong = ("0" if fp[0] != "0" else "1") + fp[1:]
    c = _client(tls_node, tls_node.exports["COLONY_PRVKEY"], wrong)
    with pytest.raises(colony.ConnectError) as e:
        c.node_info()
    assert "fingerprint" in str(e.value).lower() or "pinned" in str(e.value).lower(), str(e.value)
    with pytest.raises(colony.ConnectError):
        colony.Client("127.0.0.1", tls_node.port, tls_node.exports["COLONY_PRVKEY"]).node_info()  # plain HTTP to a TLS port


def test_member_invite_for_an_executor_prints_what_a_remote_worker_needs(tls_node):
    import subprocess
    from conftest import _java, _jar
    fp = tls_node.exports["COLONY_TLS_FINGERPRINT"]
    out = subprocess.run([_java(), "-jar", _jar(), "member", "invite", "--role", "executor", "--name", "far-away",
                          "--data", tls_node.data + "/dev", "--port", str(tls_node.port), "--tls-fingerprint", fp],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    env = dict(line[len("export "):].split("=", 1) for line in out.stdout.splitlines() if line.startswith("export "))
    assert env["COLONY_TLS_FINGERPRINT"] == fp, out.stdout
    ex = colony.Executor(type="py-invited", client=colony.Client.from_env(env), poll_timeout=2.0)

    @ex.function("where")
    def where():
        return "far away"

    user = _client(tls_node, tls_node.exports["COLONY_PRVKEY"], fp)
    ex.start()
    try:
        p = user.submit({"conditions": {"executortype": "py-invited"}, "funcname": "where"})
        assert user.wait(p["id"], timeout=60)["output"] == ["far away"]
    finally:
        ex.stop()
