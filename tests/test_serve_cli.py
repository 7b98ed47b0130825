"""The main job as users run it: `ofsted-kg build` then `ofsted-kg serve`, as real processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import SEEDS_DIR


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_pids(pid: int) -> list[int]:
    listing = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    )
    return [int(field) for field in listing.stdout.split()]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child not yet reaped by anyone is a zombie: gone for our purpose.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split(") ", 1)[-1][:1] != "Z"


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server did not answer at {url}")


@contextmanager
def serve_process(
    command: list[str], store: Path, *extra: str, cwd: Path | None = None, env: dict | None = None
) -> Iterator[str]:
    """`COMMAND serve --store STORE` on a free loopback port, as a real process: the base URL
    once it answers; stopped when the block ends."""
    port = free_port()
    server = subprocess.Popen(
        [*command, "serve", "--store", str(store), "--port", str(port), *extra],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/sparql", server)
        yield base
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_build_then_serve_answers_and_stops_cleanly(tmp_path) -> None:
    store = tmp_path / "store"
    built = subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "build", str(SEEDS_DIR), "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert "5 built" in built.stderr

    # Port 0: the OS picks one, and the server says which, with the page to open, once it listens.
    server = subprocess.Popen(
        [sys.executable, "-m", "ofsted_kg", "serve", "--store", str(store), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: list[int] = []
    try:
        ready = server.stdout.readline()
        assert ready.startswith("ofsted-kg: ready: open http://127.0.0.1:"), ready
        home = ready.split()[3]
        base = home.rstrip("/")
        with urllib.request.urlopen(home) as response:  # answered at once: no waiting needed
            assert "<h1>Ofsted inspections of children's services</h1>" in response.read().decode()
        workers = child_pids(server.pid)
        with urllib.request.urlopen(f"{base}/queries/inspection-summary?format=csv") as response:
            rows = response.read().decode("utf-8").splitlines()
        assert rows[0].startswith("source_file,local_authority,la_gss_code,report_kind")
        assert len(rows) == 1 + 5
        with urllib.request.urlopen(f"{base}/") as response:
            assert "Somerset" in response.read().decode("utf-8")
    finally:
        # SIGTERM, as a service manager stops it. (Not SIGINT: a shell starts background jobs
        # with SIGINT ignored, and then so is it in the server; CI may run us that way.)
        server.send_signal(signal.SIGTERM)
        # Two ways not to stop, told apart: the server itself, or a query worker outliving it
        # (it would hold the server's output open).
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            raise AssertionError(
                f"the server did not stop on SIGTERM: {server.communicate()}"
            ) from None
        assert server.returncode == 0, server.returncode
        alive = [pid for pid in workers if pid_alive(pid)]
        assert not alive, f"query workers {alive} outlived the server"
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr, stderr
