"""Warm workers: an external executor whose functions run in this Python process.

    ex = colony.Executor(type="seismic")

    @ex.function("preprocess")
    def preprocess(path, scale=1):
        return "done " + path

    ex.run()

A process's ``funcname`` picks the function, its ``args`` and ``kwargs`` are the arguments, the return
value is the output, an exception is a failed attempt with its message. Leases are renewed by a
background thread; an attempt whose lease could not be renewed in time (node unreachable, process
cancelled, another executor took it) is no longer this executor's: its result is dropped, never closed late.
"""
import json
import logging
import os
import socket
import threading
import time
import traceback

from .client import Client
from .errors import ColonyError, ConflictError, ConnectError, NotFoundError

log = logging.getLogger("colony.executor")

_current = threading.local()


def task():
    """The task the calling thread runs now (inside a registered function), or None."""
    return getattr(_current, "task", None)


def _now_ms():
    return int(time.time() * 1000)


class Task:
    """One claimed attempt run by a function: ``id``, ``attempt``, ``spec``, ``log(...)``, ``lost``."""

    def __init__(self, executor, assignment):
        self._executor = executor
        self.assignment = assignment
        self.id = assignment.id
        self.attempt = assignment.attempt
        self.spec = assignment.spec
        lease = max(100, assignment.lease_ms)
        self.margin_ms = min(1000, lease // 10)
        self.renew_every_ms = max(50, lease // 3)
        self.confirmed_until = assignment.lease_until_ms
        self.next_renew = _now_ms() + self.renew_every_ms
        self.lost_reason = None
        self.finished = False
        self._seq = 0
        self._lock = threading.Lock()

    @property
    def lost(self):
        """True once the attempt is no longer this executor's (stop work as soon as you can)."""
        return self.lost_reason is not None

    def holds_lease(self, now_ms=None):
        now_ms = _now_ms() if now_ms is None else now_ms
        return self.lost_reason is None and now_ms < self.confirmed_until - self.margin_ms

    def log(self, *lines):
        """Appends log lines to the process (``colony log get`` shows them)."""
        if not self.holds_lease():
            return
        with self._lock:
            self._seq += 1
            seq = self._seq
        self._executor.client.add_log(self.assignment, seq, [str(x) for x in lines])


class _Renewer(threading.Thread):
    """Renews the lease of every running task a third of a lease before it is due; gives a task up
    when its lease would end before a renewal got through."""

    def __init__(self, client):
        super().__init__(name="colony-renewer", daemon=True)
        self.client = client
        self.tasks = set()
        self.cond = threading.Condition()
        self.stopping = False

    def add(self, t):
        with self.cond:
            self.tasks.add(t)
            self.cond.notify()

    def remove(self, t):
        with self.cond:
            self.tasks.discard(t)

    def stop(self):
        with self.cond:
            self.stopping = True
            self.cond.notify()

    def run(self):
        while True:
            with self.cond:
                if self.stopping:
                    return
                now = _now_ms()
                due = [t for t in self.tasks if t.next_renew <= now]
                if not due:
                    nxt = min([t.next_renew for t in self.tasks], default=now + 1000)
                    self.cond.wait(max(0.01, min(1.0, (nxt - now) / 1000.0)))
                    continue
            for t in due:
                self._renew(t)

    def _renew(self, t):
        now = _now_ms()
        if t.finished or t.lost:
            self.remove(t)
            return
        if now >= t.confirmed_until - t.margin_ms:
            t.lost_reason = "lease ended before it could be renewed"
            log.warning("process %s attempt %d: %s; giving it up", t.id, t.attempt, t.lost_reason)
            self.remove(t)
            return
        try:
            t.confirmed_until = self.client.renew(t.assignment)
            t.next_renew = _now_ms() + t.renew_every_ms
        except (ConflictError, NotFoundError) as e:
            if not t.finished:
                t.lost_reason = "renewal refused: %s" % e.message
                log.warning("process %s attempt %d: %s; giving it up", t.id, t.attempt, t.lost_reason)
            self.remove(t)
        except ColonyError as e:
            # the node is not reachable now: try again soon, until the lease would end
            log.warning("renewing process %s: %s", t.id, e.message)
            t.next_renew = _now_ms() + min(500, t.renew_every_ms)


def _output(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, str) else json.dumps(v) for v in value]
    if isinstance(value, bytes):
        return [value.decode("utf-8", "replace")]
    return [json.dumps(value, default=str)]


class Executor:
    """An external executor of type ``type`` running registered Python functions ("warm workers").

    ``workers``: how many tasks run at once (threads); ``cpu``/``memory``/``gpu``: what it offers, so it can
    take processes whose conditions ask for them; ``client``: a :class:`Client` (default: from the
    ``COLONY_*`` environment; its key must be admitted with the executor role).
    """

    def __init__(self, type, name=None, client=None, workers=1, cpu=None, memory=None, gpu=None,
                 poll_timeout=10.0):
        if not type or not isinstance(type, str):
            raise ColonyError("executor type must be a non-empty string")
        if int(workers) < 1:
            raise ColonyError("workers must be >= 1")
        self.type = type
        self.name = name or "%s-%s-%d" % (type, socket.gethostname(), os.getpid())
        self.client = client or Client.from_env()
        self.workers = int(workers)
        self.offer = {"cpu": cpu, "memory": memory, "gpu": gpu}
        self.poll_timeout = poll_timeout
        self.functions = {}
        self.completed = 0
        self.failed = 0
        self.dropped = 0
        self._count_lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self._renewer = None
        self._running = set()
        self._max_tasks = None

    def function(self, name=None):
        """Decorator registering a function under ``name`` (default: its Python name)."""
        def register(fn):
            self.register(name or fn.__name__, fn)
            return fn
        return register

    def register(self, name, fn):
        if not callable(fn):
            raise ColonyError("%r is not callable" % (fn,))
        self.functions[name] = fn

    # ---- running ----

    def start(self, max_tasks=None):
        """Starts the worker threads in the background; :meth:`stop` ends them."""
        if self._threads:
            raise ColonyError("executor already started")
        self._stop.clear()
        self._max_tasks = max_tasks
        self._renewer = _Renewer(self.client)
        self._renewer.start()
        for i in range(self.workers):
            t = threading.Thread(target=self._work, name="colony-worker-%d" % i, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def run(self, max_tasks=None):
        """Runs until Ctrl-C (or :meth:`stop`, or ``max_tasks`` tasks done); releases held attempts on the way out."""
        self.start(max_tasks)
        try:
            while any(t.is_alive() for t in self._threads):
                for t in self._threads:
                    t.join(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self, timeout=5.0):
        """Stops polling, waits up to ``timeout`` s for running tasks, then releases the attempts still
        held (they return to WAITING at once, without using up a retry)."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        for tk in list(self._running):
            if tk.holds_lease() and not tk.finished:
                tk.lost_reason = "released: the executor stopped"
                try:
                    self.client.release(tk.assignment)
                except ColonyError as e:
                    log.warning("releasing process %s: %s", tk.id, e.message)
        if self._renewer:
            self._renewer.stop()
        self._threads = []

    def _claimed_enough(self):
        if self._max_tasks is None:
            return False
        with self._count_lock:
            return self.completed + self.failed + self.dropped + len(self._running) >= self._max_tasks

    def _work(self):
        while not self._stop.is_set() and not self._claimed_enough():
            try:
                a = self.client.assign(self.type, self.name, timeout=self.poll_timeout, **self.offer)
            except ColonyError as e:
                log.warning("asking for work: %s", e.message)
                self._stop.wait(1.0)
                continue
            if a is None:
                continue
            if self._stop.is_set():
                # claimed while stopping: hand it back at once instead of running it
                try:
                    self.client.release(a)
                except ColonyError as e:
                    log.warning("releasing process %s: %s", a.id, e.message)
                return
            self._handle(a)

    def _handle(self, a):
        t = Task(self, a)
        with self._count_lock:
            self._running.add(t)
        self._renewer.add(t)
        try:
            success, output, errors = self._call(t)
            t.finished = True
            self._renewer.remove(t)
            if not t.holds_lease():
                log.warning("process %s attempt %d: result dropped (%s)", t.id, t.attempt,
                            t.lost_reason or "lease ended")
                with self._count_lock:
                    self.dropped += 1
                return
            if not self._close(t, success, output, errors):
                with self._count_lock:
                    self.dropped += 1
                return
            with self._count_lock:
                if success:
                    self.completed += 1
                else:
                    self.failed += 1
        finally:
            t.finished = True
            with self._count_lock:
                self._running.discard(t)

    def _close(self, t, success, output, errors):
        """Posts the Close while the lease holds; retries a lost connection until then."""
        retried = False
        while True:
            try:
                self.client.close(t.assignment, success, output, errors)
                return True
            except ConnectError as e:
                if not t.holds_lease():
                    log.warning("closing process %s: %s; the lease ended, result dropped", t.id, e.message)
                    return False
                log.warning("closing process %s: %s; retrying", t.id, e.message)
                retried = True
                time.sleep(0.2)
            except ConflictError as e:
                if retried and self._closed_by_us(t):
                    return True  # an earlier try got through before the connection broke
                log.warning("closing process %s: %s", t.id, e.message)
                return False
            except ColonyError as e:
                log.warning("closing process %s: %s", t.id, e.message)
                return False

    def _closed_by_us(self, t):
        try:
            p = self.client.get(t.id)
        except ColonyError:
            return False
        return p.get("attempt") == t.attempt and p.get("state") in ("SUCCESS", "FAILED", "WAITING")

    def _call(self, t):
        spec = t.spec
        funcname = spec.get("funcname")
        fn = self.functions.get(funcname)
        if fn is None:
            known = ", ".join(sorted(self.functions)) or "none"
            return False, [], ["unknown funcname '%s': executor %s has %s" % (funcname, self.name, known)]
        args = list(spec.get("args") or [])
        kwargs = dict(spec.get("kwargs") or {})
        _current.task = t
        try:
            return True, _output(fn(*args, **kwargs)), []
        except Exception as e:  # the user's function failed: a failed attempt with its message
            log.debug("process %s failed:\n%s", t.id, traceback.format_exc())
            msg = str(e) or type(e).__name__
            return False, [], ["%s: %s" % (type(e).__name__, msg)]
        finally:
            _current.task = None
