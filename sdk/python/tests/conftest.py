"""Starts a real dev node from the jar (``java -jar cli/target/colony.jar dev``) for the session."""
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SDK = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(SDK))
sys.path.insert(0, SDK)

import colony  # noqa: E402

LEASE_MS = 3000


def _jar():
    jar = os.environ.get("COLONY_JAR") or os.path.join(ROOT, "cli", "target", "colony.jar")
    if not os.path.isfile(jar):
        pytest.fail("no %s: build it first (./mvnw -B -pl cli -am package -DskipTests)" % jar)
    return jar


def _java():
    home = os.environ.get("JAVA_HOME")
    if home and os.path.isfile(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    return shutil.which("java") or "java"


def die_with_parent():
    """preexec_fn: the child gets SIGTERM when the test process dies, however it dies (Linux)."""
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class DevNode:
    def __init__(self, *extra):
        self.data = tempfile.mkdtemp(prefix="colony-pytest-")
        cmd = [_java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", _jar(), "dev", "--data",
               os.path.join(self.data, "dev"), "--api-port", "0", "--p2p-port", "-1", "--lease-ms", str(LEASE_MS),
               "--capacity", "2", *extra]
        env = {k: v for k, v in os.environ.items() if not k.startswith("COLONY_")}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=open(os.path.join(self.data, "node.log"), "w"),
                                     text=True, env=env, preexec_fn=die_with_parent)
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.exports = {}
        deadline = time.monotonic() + 120
        wanted = ["COLONY_PRVKEY"] + (["COLONY_TLS_FINGERPRINT"] if "--api-tls" in extra else [])
        while not all(k in self.exports for k in wanted):
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.close()
                pytest.fail("the dev node did not start: " + self.log())
            try:
                line = self.lines.get(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            if line.startswith("export "):
                k, _, v = line[len("export "):].partition("=")
                self.exports[k] = v.strip()
        self.port = int(self.exports["COLONY_PORT"])
        with open(os.path.join(self.data, "dev", "owner.key")) as f:
            self.owner_key = f.read().strip()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def log(self):
        try:
            with open(os.path.join(self.data, "node.log")) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def client(self, key=None):
        return colony.Client("127.0.0.1", self.port, key or self.exports["COLONY_PRVKEY"])

    def env(self, key=None):
        e = dict(os.environ)
        e.update(COLONY_HOST="127.0.0.1", COLONY_PORT=str(self.port), COLONY_PRVKEY=key or self.exports["COLONY_PRVKEY"],
                 PYTHONPATH=SDK)
        e.pop("COLONY_TLS", None)
        e.pop("COLONY_TLS_FINGERPRINT", None)
        return e

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        shutil.rmtree(self.data, ignore_errors=True)


@pytest.fixture(scope="session")
def node():
    n = DevNode()
    yield n
    n.close()


@pytest.fixture(scope="session")
def owner(node):
    return node.client(node.owner_key)


@pytest.fixture(scope="session")
def user(node):
    return node.client()


@pytest.fixture
def executor_key(node, owner):
    """A fresh key admitted with the executor role."""
    k = colony.Key.generate()
    owner.admit(k.member_id, role="executor", name="pytest-executor")
    return k


def wait_until(what, cond, timeout=30.0, every=0.05):
    """Polls ``cond`` until it is true (a test helper: never a bare sleep)."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(every)
