"""A scriptable loopback HTTP server for tests.

Routes are registered per test, either as a callable ``(RecordedRequest) -> Reply`` or as
a canned sequence of replies (served in order, the last one repeating). Every request
is logged with its arrival time so tests can assert what was (not) requested and when.

    with ScriptServer() as srv:
        srv.route("/a", [Reply(500), Reply(200, body=b"ok")])
        fetch(srv.url("/a"))
        assert srv.hits("/a") == 2
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """A canned response. body may be bytes or an iterable of bytes chunks, float pauses
    (seconds to sleep between chunks) and threading.Events (stall until the test sets it,
    at most a minute), to simulate slow or stalling servers."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes | float | threading.Event] = b""


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    at: float  # the server's clock (time.monotonic() unless the test gives another) on arrival


Handler = Callable[[RecordedRequest], Reply]
#: Longest an Event part stalls a reply, so a test that forgets to set it still ends.
STALL_LIMIT_S = 60.0


class _Sequence:
    def __init__(self, replies: Sequence[Reply]) -> None:
        if not replies:
            raise ValueError("need at least one reply")
        self._replies = list(replies)
        self._lock = threading.Lock()

    def __call__(self, _req: RecordedRequest) -> Reply:
        with self._lock:
            return self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = RecordedRequest("GET", self.path, headers, self.server.owner.clock())
        self.server.owner._record(req)
        handler = self.server.owner._handler(self.path)
        reply = handler(req) if handler else Reply(404, body=b"not found")
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        headers = {k.lower(): v for k, v in reply.headers.items()}
        streaming = not isinstance(reply.body, bytes | bytearray)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if not streaming and "content-length" not in headers:
            self.send_header("Content-Length", str(len(reply.body)))
        if streaming and "content-length" not in headers:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            if not streaming:
                self.wfile.write(reply.body)
                return
            for part in reply.body:
                if isinstance(part, int | float):
                    self.wfile.flush()
                    time.sleep(part)
                elif isinstance(part, threading.Event):
                    self.wfile.flush()
                    part.wait(STALL_LIMIT_S)
                else:
                    self.wfile.write(part)
            self.wfile.flush()
        except OSError:  # client went away (e.g. it enforced a limit); that is the point of the test
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: ScriptServer

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - quiet broken pipes
        pass


class ScriptServer:
    """ThreadingHTTPServer on a loopback address, run in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock  # stamps arrivals; a test's fake clock lets it check spacing without timing
        self._server = _Server((host, port), _RequestHandler)
        self._server.owner = self
        self._routes: dict[str, Handler] = {}
        self._log: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Handler | Reply | Sequence[Reply]) -> None:
        """Serve path (exact match on path+query) with a callable, one reply or a reply sequence."""
        if isinstance(handler, Reply):
            handler = _Sequence([handler])
        elif not callable(handler):
            handler = _Sequence(handler)
        with self._lock:
            self._routes[path] = handler

    def _handler(self, path: str) -> Handler | None:
        with self._lock:
            return self._routes.get(path)

    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self._log.append(req)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def times(self, path: str) -> list[float]:
        return [r.at for r in self.requests if r.path == path]

    def start(self) -> ScriptServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ScriptServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
