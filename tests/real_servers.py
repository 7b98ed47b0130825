"""Real SPARQL servers on loopback for the remote-backend tests: Oxigraph server (PyPI `oxigraph`,
installed by the test extras) and Virtuoso 7 (Debian `virtuoso-opensource`, installed by
`make virtuoso`). Each starts on free ports with a fresh database in a temporary folder and is
stopped when the context ends; a server that is not installed is a skip with the reason.
"""

from __future__ import annotations

import base64
import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

VIRTUOSO_PASSWORD = "ofsted-kg-test-dba"  # the DBA password each fresh test database gets
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """Where a running server answers, as the remote backend's settings name them."""

    query_url: str
    update_url: str
    graph_store_url: str
    user: str | None = None
    password: str | None = None
    # Writes what the server holds to its database files, for servers that need it to read fast.
    checkpoint: Callable[[], None] = field(default=lambda: None, compare=False)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited with {process.returncode}: {log.read_text()[-2000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} not up after {START_SECONDS} s: {log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or shutil.which(
        "oxigraph", path=str(Path(sys.executable).parent)
    )
    if not found:
        pytest.skip("Oxigraph server not installed (pip install oxigraph; `make install` does)")
    return found


@contextmanager
def oxigraph_server(
    folder: Path, *, union_default_graph: bool = True, port: int | None = None
) -> Iterator[Server]:
    """`oxigraph serve` on a fresh store in `folder` (on `port`, default a free one)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    command = [
        oxigraph_binary(),
        "serve",
        "--location",
        str(folder / "db"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    if union_default_graph:
        command.append("--union-default-graph")
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{url}/query?query=ASK%7B%7D", process, log)
        yield Server(f"{url}/query", f"{url}/update", f"{url}/store")
    finally:
        _stop(process)


# ThreadsPerQuery and AsyncQueueMaxThreads 1: Virtuoso runs each query on one thread. Split over
# its default threads, the same queries cost it three times the CPU (measured: paging a graph of
# 3,300 triples 100 ms a page, a COUNT of it 60 ms, against 35 ms and 1 ms) on a machine whose
# cores the tests share anyway. The engine's known bugs stay (docs/web.md): the DISTINCT that
# la-timeline works around still repeats rows on one thread.
VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CheckpointInterval = 0
DirsAllowed = .
ThreadsPerQuery = 1
AsyncQueueMaxThreads = 1
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 120
"""


def virtuoso_binaries() -> tuple[str, str]:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not (server and isql):
        pytest.skip(
            "Virtuoso not installed (`make virtuoso` installs Debian's virtuoso-opensource as root)"
        )
    return server, isql


@contextmanager
def virtuoso_server(folder: Path, *, max_rows: int = 10000) -> Iterator[Server]:
    """Virtuoso 7 on a fresh database in `folder`, its DBA password set to VIRTUOSO_PASSWORD;
    `max_rows` is its SPARQL result cap (ResultSetMaxRows)."""
    server, isql = virtuoso_binaries()
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port, max_rows=max_rows)
    )
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [server, "+foreground", "+configfile", str(ini)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,
        )
    url = f"http://127.0.0.1:{http_port}"
    try:
        _wait_until_up(f"{url}/sparql?query=ASK%7B%7D", process, log)
        # A fresh database's DBA password is "dba": set the known one before anything is written.
        _isql(isql, sql_port, "dba", f"USER_SET_PASSWORD('dba', '{VIRTUOSO_PASSWORD}');")
        yield Server(
            f"{url}/sparql",
            f"{url}/sparql-auth",
            f"{url}/sparql-graph-crud-auth",
            "dba",
            VIRTUOSO_PASSWORD,
            # CheckpointInterval is 0 (no checkpoint stalls a test's writes), so what a build
            # wrote stays in Virtuoso's log until a checkpoint: read from there, the same query
            # cost it up to 20 times the CPU (measured: a COUNT of a 3,300-triple graph 64 ms,
            # 3 ms after a checkpoint).
            lambda: _isql(isql, sql_port, VIRTUOSO_PASSWORD, "checkpoint;"),
        )
    finally:
        _stop(process)


def _isql(isql: str, sql_port: int, password: str, statement: str) -> None:
    answer = subprocess.run(
        [isql, f"127.0.0.1:{sql_port}", "dba", password],
        input=f"{statement}\n",
        text=True,
        capture_output=True,
        timeout=60,
    )
    if answer.returncode or "Error" in answer.stdout:
        raise RuntimeError(f"Virtuoso refused {statement}: {answer.stdout}{answer.stderr}")


@contextmanager
def basic_auth_proxy(server: Server, user: str, password: str) -> Iterator[Server]:
    """A reverse proxy on loopback that asks for HTTP Basic credentials and passes what it lets
    through to `server` (Oxigraph server has no authentication of its own: docs/web.md puts such
    a proxy in front of it)."""
    target = urllib.parse.urlsplit(server.query_url)
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _forward(self) -> None:
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="ofsted-kg test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k in ("Content-Type", "Accept")}
            request = urllib.request.Request(
                f"{target.scheme}://{target.netloc}{self.path}", body, headers, method=self.command
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status, answer, kind = response.status, response.read(), response.headers
            except urllib.error.HTTPError as exc:
                status, answer, kind = exc.code, exc.read(), exc.headers
            self.send_response(status)
            self.send_header("Content-Type", kind.get("Content-Type", "text/plain"))
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

        def log_message(self, *args: object) -> None:
            pass

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{proxy.server_address[1]}"
    try:
        yield Server(
            base + urllib.parse.urlsplit(server.query_url).path,
            base + urllib.parse.urlsplit(server.update_url).path,
            base + urllib.parse.urlsplit(server.graph_store_url).path,
            user,
            password,
        )
    finally:
        proxy.shutdown()
        proxy.server_close()
