"""A real daemon: gunicorn with config/gunicorn.conf.py on a free port, as users run it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "e2e-token-abcdefghijklmnop"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Daemon:
    """A running gunicorn process and a `requests` session that talks to it."""

    def __init__(self, data_dir: Path, **env: str) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "KEYRX_PORT": str(self.port), "KEYRX_HOST": "127.0.0.1",
                    "KEYRX_DATA_DIR": str(data_dir), "KEYRX_TOKEN": TOKEN,
                    "KEYRX_HW_BACKEND": "virtual", "KEYRX_LOG_LEVEL": "warning", **env}
        self.log = data_dir / "daemon.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {TOKEN}"

    def start(self, timeout: float = 30.0) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([gunicorn, "-c", "config/gunicorn.conf.py", "wsgi:app"],
                                         cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"daemon exited with {self.proc.returncode}:\n{self.log.read_text()}")
            try:
                if requests.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                # the master listens before the worker has loaded the app
                time.sleep(0.05)
        raise RuntimeError(f"daemon did not answer within {timeout} s:\n{self.log.read_text()}")

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            if sig == signal.SIGKILL:  # a crash: master and worker die at once
                os.killpg(self.proc.pid, signal.SIGKILL)
            else:
                self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc = None
        return rc

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.http.get(self.url + path, timeout=10, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.http.post(self.url + path, timeout=10, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.http.put(self.url + path, timeout=10, **kw)

    def patch(self, path: str, **kw: Any) -> requests.Response:
        return self.http.patch(self.url + path, timeout=10, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.http.delete(self.url + path, timeout=10, **kw)


@contextmanager
def running(data_dir: Path, **env: str) -> Iterator[Daemon]:
    """A started daemon, stopped on exit."""
    d = Daemon(data_dir, **env)
    d.start()
    try:
        yield d
    finally:
        d.stop()


def settled(d: Daemon, timeout: float = 30) -> None:
    """Wait until the start-up events (keyboards found and grabbed) have their seq."""
    deadline = time.monotonic() + timeout
    while True:
        status = d.get("/api/status").json()
        if status["devices"]["grabbed"] == 2 and status["bus"]["depth"] == 0 and \
                status["events"]["head_seq"] == status["bus"]["published"]:
            return
        assert time.monotonic() < deadline, status


@contextmanager
def settled_daemon(data_dir: Path, **env: str) -> Iterator[Daemon]:
    """A started daemon whose start-up events are all published, stopped on exit."""
    with running(data_dir, **env) as d:
        settled(d)
        yield d


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Daemon]:
    with running(tmp_path) as d:
        yield d
