"""A throw-away PostgreSQL server for the tests that prove the same code runs on PostgreSQL.

It is started from the Debian `postgresql` package's binaries in a temporary folder, listening only on a
Unix socket, and stopped at the end of the session. `make test` installs the package when it is missing.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed: run 'apt-get install postgresql' (make test does it as root)"
        )
    return found[-1]


class PgServer:
    def __init__(self, *, durable: bool = False) -> None:
        # the tests run without fsync; a benchmark's server writes as a real one does
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="partner-desk-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.socket.mkdir()
        self._as_postgres = os.geteuid() == 0  # the server refuses to run as root

    def _run(self, *args: str) -> None:
        command = list(args)
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> PgServer:
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket, "postgres")
        self._run(_bin("initdb"), "-D", str(self.data), "-U", "partner", "--auth=trust", "-E", "UTF8")
        self._run(
            _bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "start",
            "-o", f"-c listen_addresses='' -k {self.socket}"
            + ("" if self.durable else " -c fsync=off -c full_page_writes=off"),
        )
        deadline = time.monotonic() + 30
        while not list(self.socket.glob(".s.PGSQL.*")) and time.monotonic() < deadline:
            time.sleep(0.1)
        return self

    def create_database(self, name: str) -> str:
        self._run(_bin("createdb"), "-h", str(self.socket), "-U", "partner", name)
        return f"postgresql+psycopg://partner@/{name}?host={self.socket}"

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
