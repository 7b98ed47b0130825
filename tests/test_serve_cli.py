"""The main job as users run it: `ofsted-kg build` then `ofsted-kg serve`, as real processes."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import SEEDS_DIR


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "ofsted_kg", "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/sparql", server)
        with urllib.request.urlopen(f"{base}/queries/inspection-summary?format=csv") as response:
            rows = response.read().decode("utf-8").splitlines()
        assert rows[0].startswith("source_file,local_authority,la_gss_code,report_kind")
        assert len(rows) == 1 + 5
        with urllib.request.urlopen(f"{base}/") as response:
            assert "Somerset" in response.read().decode("utf-8")
    finally:
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr, stderr
