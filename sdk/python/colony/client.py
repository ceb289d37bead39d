"""A client of one node: submit specs and workflows, read processes and logs, wait, cancel, crons,
generators, membership, and the low-level executor calls (assign, claim, renew, log, close)."""
import base64
import os
import time

from . import signing, spec as specs
from ._pb import colony_pb2 as pb
from .errors import ColonyError, ConflictError
from .keys import Key
from .transport import Transport

FINAL = ("SUCCESS", "FAILED")
ROLES = {"node": pb.NODE, "user": pb.USER, "executor": pb.EXECUTOR}


def _now_ms():
    return int(time.time() * 1000)


def _whole(value, what, low, high):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ColonyError("%s must be a whole number in %d..%d, got %r" % (what, low, high, value), 0, what)
    try:
        n = int(value)
    except ValueError:
        raise ColonyError("%s must be a whole number in %d..%d, got %r" % (what, low, high, value), 0, what) from None
    if not low <= n <= high:
        raise ColonyError("%s must be a whole number in %d..%d, got %r" % (what, low, high, value), 0, what)
    return n


def _seconds(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ColonyError("%s must be a number of seconds >= 0, got %r" % (what, value), 0, what)
    return float(value)


def _hex_id(text, what):
    t = str(text).strip().lower()
    if len(t) != 64 or any(ch not in "0123456789abcdef" for ch in t):
        raise ColonyError("%s must be 64 hex characters, got '%s'" % (what, text), 0, "id")
    return t


class Assignment:
    """A process this executor claimed: ``id``, ``attempt``, ``lease_until_ms`` and the process as the node
    sent it (``process``, a dict: ``spec``, ``state``, ...)."""

    def __init__(self, process, attempt, lease_until_ms, lease_ms):
        self.process = process
        self.id = process["id"]
        self.attempt = attempt
        self.lease_until_ms = lease_until_ms
        self.lease_ms = lease_ms

    @property
    def spec(self):
        return self.process.get("spec") or {}

    def __repr__(self):
        return "Assignment(%s, attempt %d)" % (self.id, self.attempt)


class Client:
    """Talks to one node. ``key`` signs records and requests (a :class:`Key`, hex text or a key file)."""

    def __init__(self, host="127.0.0.1", port=50080, key=None, tls=False, fingerprint=None, timeout=30.0):
        self.key = key if isinstance(key, Key) or key is None else Key.parse(key)
        self.transport = Transport(host, port, self.key, tls=tls, fingerprint=fingerprint, timeout=timeout)
        self._colony = None

    @staticmethod
    def from_env(env=None, **overrides):
        """A client from ``COLONY_HOST``, ``COLONY_PORT``, ``COLONY_PRVKEY``, ``COLONY_TLS`` and
        ``COLONY_TLS_FINGERPRINT`` (defaults 127.0.0.1, 50080, no key, http)."""
        env = os.environ if env is None else env
        port_text = env.get("COLONY_PORT", "50080")
        try:
            port = int(port_text)
        except ValueError:
            raise ColonyError("COLONY_PORT: '%s' is not a port number" % port_text) from None
        if not 0 < port < 65536:
            raise ColonyError("COLONY_PORT: %d is not in 1..65535" % port)
        tls_text = env.get("COLONY_TLS", "").strip().lower()
        if tls_text not in ("", "true", "false", "1", "0", "yes", "no"):
            raise ColonyError("COLONY_TLS: '%s' must be true or false" % tls_text)
        args = dict(host=env.get("COLONY_HOST", "127.0.0.1"), port=port,
                    key=Key.parse(env["COLONY_PRVKEY"]) if env.get("COLONY_PRVKEY") else None,
                    tls=tls_text in ("true", "1", "yes"), fingerprint=env.get("COLONY_TLS_FINGERPRINT") or None)
        args.update(overrides)
        return Client(**args)

    # ---- plumbing ----

    def _call(self, method, route, payload=None, timeout=None):
        return self.transport.request(method, route, payload, timeout)[1]

    def _key(self):
        if self.key is None:
            raise ColonyError("this client has no private key: set COLONY_PRVKEY")
        return self.key

    @property
    def colony_id(self):
        """The colony id (hex), asked of the node once."""
        if self._colony is None:
            self._colony = self.node_info()["colony"]
        return self._colony

    def _record(self, **kind):
        return pb.Record(colony=bytes.fromhex(self.colony_id), timestamp_ms=_now_ms(), **kind)

    def _post_record(self, route, record):
        body = record.SerializeToString()
        return self._call("POST", route, signing.sign_record(self._key(), body)), body

    # ---- reads ----

    def health(self):
        return self._call("GET", "/health")

    def node_info(self):
        """``GET /node``: colony, node id, name, executor types, capacity, process counts, peers."""
        return self._call("GET", "/node")

    def status(self):
        return self._call("GET", "/status")

    def get(self, process_id):
        """The process: ``id``, ``state``, ``spec``, ``attempt``, ``output``, ``errors``, ``history``, ..."""
        return self._call("GET", "/processes/" + _hex_id(process_id, "process id"))

    def ps(self, state=None, limit=100):
        """Processes, newest first (``state``: WAITING, RUNNING, SUCCESS or FAILED)."""
        q = "?limit=%d" % _whole(limit, "limit", -2 ** 31, 2 ** 31 - 1)
        if state:
            q += "&state=" + str(state).upper()
        return self._call("GET", "/processes" + q)

    def logs(self, process_id):
        """The log lines so far, oldest first."""
        return self._call("GET", "/processes/%s/logs" % _hex_id(process_id, "process id"))["lines"]

    def workflow(self, workflow_id):
        return self._call("GET", "/workflows/" + _hex_id(workflow_id, "workflow id"))

    def executors(self):
        """Every executor colony-wide (``GET /executors``)."""
        return self._call("GET", "/executors")

    def watch(self, process_id, timeout=3600):
        """Yields state events (dicts: ``id``, ``state``, ``attempt``, ``executorId``) of a process or of a
        workflow's processes as they happen, until all ended; raises :class:`TimeoutError` after ``timeout`` s."""
        pid = _hex_id(process_id, "id")
        secs = max(1, min(3600, int(-(-_seconds(timeout, "timeout") // 1))))
        for event, data in self.transport.stream("/processes/%s/events?timeout=%d" % (pid, secs), secs + 30):
            if event == "state":
                yield data
            elif event == "end":
                return
            elif event == "timeout":
                raise TimeoutError("%s did not end within %d s" % (pid, secs))
        raise ColonyError("the node closed the event stream of %s early" % pid)

    def wait(self, process_id, timeout=3600):
        """Waits (server-sent events, no polling) until the process is SUCCESS or FAILED; returns it."""
        for _ in self.watch(process_id, timeout):
            pass
        return self.get(process_id)

    def wait_workflow(self, workflow_id, timeout=3600):
        for _ in self.watch(workflow_id, timeout):
            pass
        return self.workflow(workflow_id)

    # ---- writes ----

    def submit(self, spec):
        """Submits a function spec (a dict or JSON text, ColonyOS or Colonies spelling); returns the process."""
        proto = specs.to_proto(spec)
        rec = self._record(submit=pb.Submit(spec=proto, nonce=os.urandom(16)))
        return self._post_record("/processes", rec)[0]

    def submit_workflow(self, workflow):
        """Submits a workflow (a list of specs with ``nodename``, or ``{"functionspecs": [...]}``)."""
        protos = specs.workflow_to_proto(workflow)
        rec = self._record(workflow=pb.SubmitWorkflow(specs=protos, nonce=os.urandom(16)))
        return self._post_record("/workflows", rec)[0]

    def run(self, spec, timeout=3600):
        """Submits and waits: the ended process."""
        return self.wait(self.submit(spec)["id"], timeout)

    def cancel(self, process_id, reason="cancelled by user"):
        pid = _hex_id(process_id, "process id")
        rec = self._record(cancel=pb.Cancel(process_id=bytes.fromhex(pid), reason=str(reason)))
        return self._post_record("/processes/%s/cancel" % pid, rec)[0]

    def admit(self, member_id, role="executor", name=""):
        """Admits a member (only the colony owner's key may)."""
        if role not in ROLES:
            raise ColonyError("role must be one of %s" % ", ".join(sorted(ROLES)), 0, "role")
        mid = _hex_id(member_id, "member id")
        rec = self._record(admit=pb.Admit(member=bytes.fromhex(mid), role=ROLES[role], name=str(name)))
        return self._post_record("/members", rec)[0]

    def add_cron(self, spec, schedule, name="cron"):
        """A cron submitting ``spec`` (or a workflow: a list / ``functionspecs``) at every tick of ``schedule``."""
        protos = self._specs_of(spec)
        if not isinstance(schedule, str):
            raise ColonyError("schedule must be a cron expression (a string), got %r" % (schedule,), 0, "schedule")
        rec = self._record(cron=pb.CronAdd(name=str(name), specs=protos, schedule=schedule, nonce=os.urandom(16)))
        return self._post_record("/crons", rec)[0]

    def crons(self):
        return self._call("GET", "/crons")

    def cron(self, cron_id):
        return self._call("GET", "/crons/" + _hex_id(cron_id, "cron id"))

    def remove_cron(self, cron_id):
        return self._remove("crons", _hex_id(cron_id, "cron id"))

    def add_generator(self, spec, trigger, timeout_s=0, name="generator"):
        """A generator submitting ``spec`` once ``trigger`` args were packed (or ``timeout_s`` after the oldest)."""
        protos = self._specs_of(spec)
        trigger = _whole(trigger, "trigger", 1, 1000)
        timeout_ms = int(_seconds(timeout_s, "timeout") * 1000)
        rec = self._record(generator=pb.GeneratorAdd(name=str(name), specs=protos, trigger=trigger,
                                                     timeout_ms=timeout_ms, nonce=os.urandom(16)))
        return self._post_record("/generators", rec)[0]

    def pack(self, generator_id, arg):
        gid = _hex_id(generator_id, "generator id")
        rec = self._record(pack=pb.GeneratorPack(generator=bytes.fromhex(gid), arg=str(arg), nonce=os.urandom(16)))
        return self._post_record("/generators/%s/pack" % gid, rec)[0]

    def generators(self):
        return self._call("GET", "/generators")

    def generator(self, generator_id):
        return self._call("GET", "/generators/" + _hex_id(generator_id, "generator id"))

    def remove_generator(self, generator_id):
        return self._remove("generators", _hex_id(generator_id, "generator id"))

    def _remove(self, kind, tid):
        rec = self._record(remove=pb.TriggerRemove(target=bytes.fromhex(tid)))
        return self._post_record("/%s/%s/remove" % (kind, tid), rec)[0]

    @staticmethod
    def _specs_of(spec):
        if isinstance(spec, list) or (isinstance(spec, dict) and "functionspecs" in spec):
            return specs.workflow_to_proto(spec)
        return [specs.to_proto(spec)]

    # ---- external executors ----

    def assign(self, executor_type, executor_name, timeout=10.0, cpu=None, memory=None, gpu=None):
        """Long-polls up to ``timeout`` s for a WAITING process of this type that the offered resources
        (``cpu`` "4"/"500m", ``memory`` "8Gi", ``gpu`` 1) meet, and claims it. Returns an
        :class:`Assignment`, or None if none came in time."""
        deadline = time.monotonic() + _seconds(timeout, "timeout")
        for what, v in (("executor type", executor_type), ("executor name", executor_name)):
            if not isinstance(v, str) or not v.strip():
                raise ColonyError("%s must be a non-empty string, got %r" % (what, v), 0, what)
        while True:
            left = max(0.0, deadline - time.monotonic())
            req = {"executortype": executor_type, "executorname": executor_name,
                   "executorid": self._key().member_id, "timeout": round(left, 3)}
            for k, v in (("cpu", cpu), ("memory", memory), ("gpu", gpu)):
                if v is not None:
                    req[k] = str(v)
            status, offer = self.transport.request("POST", "/executors/assign", req, timeout=left + 30)
            if status == 204 or not offer:
                return None
            body = base64.b64decode(offer["claimBody"])
            rec = pb.Record.FromString(body)
            if rec.WhichOneof("kind") != "claim":
                raise ColonyError("the node offered a record that is not a claim")
            c = rec.claim
            pid = c.process_id.hex()
            try:
                self._call("POST", "/processes/%s/claim" % pid, signing.sign_record(self._key(), body))
            except ConflictError:
                if time.monotonic() >= deadline:
                    return None
                continue
            return Assignment(offer["process"], c.attempt, c.lease_until_ms, c.lease_until_ms - rec.timestamp_ms)

    def renew(self, a, lease_ms=None):
        """Extends the lease of an assignment to now + ``lease_ms``; returns the new lease end (ms)."""
        now = _now_ms()
        until = now + (lease_ms or a.lease_ms)
        rec = pb.Record(colony=bytes.fromhex(self.colony_id), timestamp_ms=now,
                        renew=pb.Renew(process_id=bytes.fromhex(a.id), attempt=a.attempt, lease_until_ms=until))
        self._post_record("/processes/%s/renew" % a.id, rec)
        return until

    def add_log(self, a, seq, lines):
        rec = self._record(log=pb.LogAppend(process_id=bytes.fromhex(a.id), attempt=a.attempt, seq=seq,
                                            lines=[str(x) for x in lines]))
        return self._post_record("/processes/%s/logs" % a.id, rec)[0]

    def close(self, a, success, output=(), errors=()):
        """Finishes an attempt: SUCCESS with ``output``, or a failed attempt with ``errors``."""
        rec = self._record(close=pb.Close(process_id=bytes.fromhex(a.id), attempt=a.attempt, success=bool(success),
                                          output=[str(x) for x in output], errors=[str(x) for x in errors]))
        return self._post_record("/processes/%s/close" % a.id, rec)[0]

    def release(self, a):
        """Hands an attempt back at once (the process returns to WAITING without using up a retry)."""
        rec = self._record(fail=pb.Fail(process_id=bytes.fromhex(a.id), attempt=a.attempt, reason="released"))
        return self._post_record("/processes/%s/fail" % a.id, rec)[0]
