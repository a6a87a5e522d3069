"""A real server for tests that must cross processes: gunicorn with 2 workers (as in production) on
the test database, and a client for it with the test client's interface."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A free port in 5200–5299, the range this machine gives the project's servers."""
    for port in range(5200 + os.getpid() % 100, 5300):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5200-5299")


@contextlib.contextmanager
def gunicorn(config: dict, port: int | None = None):
    """Serve `create_app(config)` with 2 workers (on `port`, else a free one); yields the base URL."""
    with server(config, port) as running:
        yield running.url


@dataclass
class Server:
    url: str
    process: subprocess.Popen  # gunicorn's master

    def workers(self) -> list[int]:
        """The master's worker processes (their pids), as the kernel lists its children."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]


@contextlib.contextmanager
def server(config: dict, port: int | None = None):
    """gunicorn serving `create_app(config)` with 2 workers, as a `Server` (for tests that signal it)."""
    port = port or free_port()
    process = subprocess.Popen(
        # --preload: the application is built once and forked, not once per worker (half the start).
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--preload"]
        + ["--log-level", "warning", f"vonhier:create_app({config!r})"],
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        for _ in range(300):
            try:
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        print(f"\ngunicorn answered after {time.monotonic() - started:.1f} s")
        yield Server(url, process)
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing is in flight any more
        process.wait(timeout=30)


class LiveResponse:
    def __init__(self, response: requests.Response):
        self.status_code = response.status_code
        self.mimetype = response.headers.get("Content-Type", "").split(";")[0].strip()
        self._response = response

    def get_data(self, as_text=False):
        return self._response.text if as_text else self._response.content

    def close(self):
        self._response.close()


class LiveClient:
    """What the hostile walk uses of Flask's test client, sent over HTTP to a running server."""

    def __init__(self, base_url: str):
        self.base_url, self.session = base_url, requests.Session()

    def open(self, url, method="GET", query_string=None, data=None, content_type=None):
        files = {}
        if isinstance(data, dict):  # (stream, filename) is an upload, as for the test client
            files = {k: (v[1], v[0]) for k, v in data.items() if isinstance(v, tuple)}
            data = {k: v for k, v in data.items() if k not in files}
        headers = {"Content-Type": content_type} if content_type else {}
        response = self.session.request(
            method,
            self.base_url + url,
            params=query_string,
            data=data,
            files=files or None,
            headers=headers,
            allow_redirects=False,
            timeout=120,
        )
        return LiveResponse(response)

    def post(self, url, data=None):
        return self.open(url, "POST", data=data)
