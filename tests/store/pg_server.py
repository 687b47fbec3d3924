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
    """`tcp_port`: also listen on 127.0.0.1 at that port; `ssl`: the certificate and key files the
    server presents (TLS on); `hba`: the lines of pg_hba.conf (who may connect how); `durable`: fsync
    on, as a real server writes (the tests run without it; a benchmark's server keeps it)."""

    def __init__(self, tcp_port: int | None = None, ssl: tuple[Path, Path] | None = None,
                 hba: list[str] | None = None, *, durable: bool = False) -> None:
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="partner-desk-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.socket.mkdir()
        self.tcp_port = tcp_port
        self.ssl = ssl
        self.hba = hba
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
        options = f"-k {self.socket}" + ("" if self.durable else " -c fsync=off -c full_page_writes=off")
        if self.tcp_port is None:
            options += " -c listen_addresses=''"
        else:
            options += f" -c listen_addresses=127.0.0.1 -c port={self.tcp_port}"
        if self.ssl is not None:
            for source, name in zip(self.ssl, ("server.crt", "server.key"), strict=True):
                target = self.data / name
                shutil.copyfile(source, target)
                target.chmod(0o600)
                if self._as_postgres:
                    shutil.chown(target, "postgres")
            options += " -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key"
        if self.hba is not None:
            (self.data / "pg_hba.conf").write_text("\n".join(self.hba) + "\n", encoding="utf-8")
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "start",
                  "-o", options)
        deadline = time.monotonic() + 30
        while not list(self.socket.glob(".s.PGSQL.*")) and time.monotonic() < deadline:
            time.sleep(0.1)
        return self

    @property
    def port(self) -> int:
        return self.tcp_port or 5432

    def create_database(self, name: str) -> str:
        self._run(_bin("createdb"), "-h", str(self.socket), "-p", str(self.port), "-U", "partner", name)
        return self.url(name)

    def url(self, name: str, user: str = "partner") -> str:
        """The URL of database `name` on the server's Unix socket."""
        return f"postgresql+psycopg://{user}@/{name}?host={self.socket}&port={self.port}"

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
