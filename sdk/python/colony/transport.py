"""HTTP(S) to a node with the standard library: signed requests, keep-alive connections (one per
thread), TLS with an optional pinned certificate fingerprint."""
import hashlib
import http.client
import json
import socket
import ssl
import threading
import time

from . import signing
from .errors import ConnectError, ColonyError, for_status

PREFIX = "/api/v1"


def normalize_fingerprint(text):
    """Lower-case hex of a SHA-256 fingerprint given with or without colons."""
    fp = text.replace(":", "").strip().lower()
    if len(fp) != 64 or any(ch not in "0123456789abcdef" for ch in fp):
        raise ColonyError("COLONY_TLS_FINGERPRINT: must be the 64 hex characters of a SHA-256 fingerprint "
                          "(colons allowed)")
    return fp


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS whose server certificate must have exactly the pinned SHA-256 fingerprint (its DER encoding)."""

    def __init__(self, host, port, fingerprint, timeout):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # trust comes from the pin, checked right after the handshake
        super().__init__(host, port, timeout=timeout, context=ctx)
        self._fingerprint = fingerprint

    def connect(self):
        super().connect()
        der = self.sock.getpeercert(binary_form=True)
        got = hashlib.sha256(der or b"").hexdigest()
        if got != self._fingerprint:
            self.sock.close()
            self.sock = None
            raise ConnectError("refusing to talk to %s:%s: its TLS certificate has fingerprint %s, not the pinned %s"
                               % (self.host, self.port, got, self._fingerprint))


class Transport:
    """Sends signed requests to one node."""

    def __init__(self, host, port, key=None, tls=False, fingerprint=None, timeout=30.0):
        if not isinstance(host, str) or not host:
            raise ColonyError("host must be a host name or address, got %r" % (host,))
        try:
            self.port = int(port)
        except (TypeError, ValueError):
            raise ColonyError("port must be a number, got %r" % (port,)) from None
        if not 0 < self.port < 65536:
            raise ColonyError("port must be in 1..65535, got %d" % self.port)
        self.host = host
        self.key = key
        self.fingerprint = normalize_fingerprint(fingerprint) if fingerprint else None
        self.tls = bool(tls) or self.fingerprint is not None
        self.timeout = timeout
        self._local = threading.local()

    @property
    def base_url(self):
        return "%s://%s:%d" % ("https" if self.tls else "http", self.host, self.port)

    def new_connection(self, timeout=None):
        t = self.timeout if timeout is None else timeout
        if self.fingerprint:
            return _PinnedHTTPSConnection(self.host, self.port, self.fingerprint, t)
        if self.tls:
            return http.client.HTTPSConnection(self.host, self.port, timeout=t,
                                               context=ssl.create_default_context())
        return http.client.HTTPConnection(self.host, self.port, timeout=t)

    def _conn(self):
        c = getattr(self._local, "conn", None)
        if c is None:
            c = self.new_connection()
            self._local.conn = c
        return c

    def _drop(self):
        c = getattr(self._local, "conn", None)
        self._local.conn = None
        if c is not None:
            try:
                c.close()
            except OSError:
                pass

    def headers(self, method, path, body):
        h = {"Accept": "application/json"}
        if body:
            h["Content-Type"] = "application/json"
        if self.key is not None:
            h.update(signing.request_headers(self.key, method, path, int(time.time() * 1000), body))
        return h

    def request(self, method, route, payload=None, timeout=None):
        """Sends ``method PREFIX+route`` with a JSON payload; returns ``(status, decoded JSON or None)``.

        Raises the :mod:`colony.errors` class of the status for a 4xx/5xx answer, with the node's message.
        """
        path = PREFIX + route
        try:
            body = b"" if payload is None else json.dumps(payload, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError) as e:
            raise ColonyError("cannot send %s: %s" % (route, e)) from None
        for attempt in (1, 2):
            conn = self._conn()
            conn.timeout = self.timeout if timeout is None else timeout
            if conn.sock is not None:
                conn.sock.settimeout(conn.timeout)
            sent = False
            try:
                conn.request(method, path, body=body or None, headers=self.headers(method, path, body))
                sent = True
                resp = conn.getresponse()
                data = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self._drop()
            except ConnectError:
                self._drop()
                raise
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                # a kept-alive connection the node closed meanwhile: once more on a fresh one
                self._drop()
                if attempt == 1 and (not sent or isinstance(e, http.client.RemoteDisconnected)):
                    continue
                raise ConnectError("lost the connection to %s: %s" % (self.base_url, e)) from None
            except socket.timeout:
                self._drop()
                raise ConnectError("%s did not answer %s %s in %.0f s" % (self.base_url, method, route,
                                                                         conn.timeout)) from None
            except ssl.SSLError as e:
                self._drop()
                raise ConnectError("TLS with %s failed: %s" % (self.base_url, e.reason or e)) from None
            except (OSError, http.client.HTTPException) as e:
                self._drop()
                raise ConnectError("cannot reach the node at %s: %s" % (self.base_url, e)) from None
            return resp.status, self._decode(resp.status, data)
        raise ConnectError("cannot reach the node at %s" % self.base_url)

    @staticmethod
    def _decode(status, data):
        value = None
        if data:
            try:
                value = json.loads(data.decode("utf-8"))
            except ValueError:
                value = None
        if status >= 400:
            msg, field = None, None
            if isinstance(value, dict):
                msg, field = value.get("error"), value.get("field")
            if not msg:
                msg = (data.decode("utf-8", "replace").strip()[:300] or "HTTP %d" % status)
            raise for_status(status, msg, field)
        return value

    def stream(self, route, timeout):
        """A server-sent events stream: yields ``(event, data)`` pairs until the node closes it."""
        path = PREFIX + route
        conn = self.new_connection(timeout=timeout)
        try:
            conn.request("GET", path, headers=dict(self.headers("GET", path, b""), Accept="text/event-stream"))
            resp = conn.getresponse()
            if resp.status != 200:
                self._decode(resp.status, resp.read())
                raise ColonyError("unexpected answer %d to %s" % (resp.status, route), resp.status)
            event, data = None, []
            while True:
                raw = resp.readline()
                if not raw:
                    return
                line = raw.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if event or data:
                        text = "\n".join(data)
                        try:
                            parsed = json.loads(text) if text else None
                        except ValueError:
                            parsed = text
                        yield event or "message", parsed
                    event, data = None, []
                elif line.startswith(":"):
                    continue
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())
        except ConnectError:
            raise
        except socket.timeout:
            raise ConnectError("%s sent nothing for %.0f s" % (self.base_url, timeout)) from None
        except (OSError, http.client.HTTPException) as e:
            raise ConnectError("cannot reach the node at %s: %s" % (self.base_url, e)) from None
        finally:
            conn.close()
