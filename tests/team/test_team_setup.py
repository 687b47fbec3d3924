"""Setting a team up as docs/team.md says: the SQL it gives, a login with a password kept in the
keyring (or nowhere, when there is none), TLS with verify-full, and two first starts at once."""

from __future__ import annotations

import itertools
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import psycopg
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from PySide6.QtCore import QSettings
from sqlalchemy import func, select, text

from partner_desk import connections
from partner_desk.domain.rewards import DEFAULT_REWARD_LEVELS
from partner_desk.domain.roles import SETUP, Role
from partner_desk.gui import app
from partner_desk.gui.pages.settings_connection import ConnectionTab, remembered
from partner_desk.services.setup import init_database
from partner_desk.services.users import add_user, list_users
from partner_desk.store import migrate
from partner_desk.store.engine import Database
from partner_desk.store.models import RewardLevelRow, Setting, TierVersion
from tests.store.pg_server import PgServer
from tests.team.crew import Crew, action

DOCS = Path(__file__).parents[2] / "docs" / "team.md"
PASSWORD = "choose-a-long-password"
_names = itertools.count()


class MemoryKeyring(KeyringBackend):
    """A keyring held in memory: the system's, for a test that must not touch the real one."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)


@pytest.fixture
def ring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(before)


@pytest.fixture
def no_ring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


# the keyring ----------------------------------------------------------------------------------------
URL = "postgresql+psycopg://partner_desk@db.example.com:5432/partner_desk?sslmode=verify-full"


def test_a_password_goes_to_the_keyring_and_comes_back_with_the_url(ring: MemoryKeyring) -> None:
    assert connections.store_password(URL, PASSWORD) is None
    assert ring.kept == {("partner-desk", "partner_desk@db.example.com:5432/partner_desk"): PASSWORD}
    assert connections.with_password(URL) == URL.replace("partner_desk@", f"partner_desk:{PASSWORD}@")
    connections.forget_password(URL)
    assert connections.with_password(URL) == URL  # libpq then asks ~/.pgpass


def test_without_a_keyring_nothing_is_stored_and_the_reason_is_given(no_ring: None) -> None:
    assert connections.store_password(URL, PASSWORD) == connections.NO_KEYRING
    assert "~/.pgpass" in connections.NO_KEYRING
    assert connections.with_password(URL) == URL


@pytest.mark.parametrize("keyed", [True, False])
def test_settings_remember_the_database_but_never_its_password(qtbot, tmp_path: Path, keyed: bool,
                                                               request: pytest.FixtureRequest,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:


    request.getfixturevalue("ring" if keyed else "no_ring")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    monkeypatch.delenv("PARTNER_DESK_DB", raising=False)
    tab = ConnectionTab("sqlite:///here.db")
    qtbot.addWidget(tab)
    tab.url.setText(URL.replace("partner_desk@", "partner_desk:typed-in-the-url@"))
    tab.password.setText(PASSWORD)
    tab.save()
    assert remembered() == URL
    QSettings("PartnerDesk", "Partner Desk").sync()
    stored = "".join(p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    assert URL.split("?")[0] in stored.replace("%3F", "?")
    assert PASSWORD not in stored
    assert "typed-in-the-url" not in stored
    if keyed:
        assert tab.status.text().endswith("The password is kept in the system keyring.")
        assert app.chosen_url(None) == URL.replace("partner_desk@", f"partner_desk:{PASSWORD}@")
    else:
        assert "There is no system keyring here, so the password was not stored" in tab.status.text()
        assert app.chosen_url(None) == URL
    # --db and PARTNER_DESK_DB come first
    assert app.chosen_url("sqlite:///other.db") == "sqlite:///other.db"
    monkeypatch.setenv("PARTNER_DESK_DB", "sqlite:///env.db")
    assert app.chosen_url(None) is None  # resolve_url reads the variable
    tab.forget()
    assert remembered() is None


# the server, as docs/team.md sets it up --------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _certificates(folder: Path) -> dict[str, Path]:
    """A throw-away certificate authority, a server certificate it signs for "localhost", and another
    authority that signed nothing here."""
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder, timeout=60)

    for ca in ("ca", "other-ca"):
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{ca}.key", "-out", f"{ca}.crt",
            "-days", "2", "-subj", f"/CN=Partner Desk test {ca}",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    (folder / "san.ext").write_text("subjectAltName=DNS:localhost\n", encoding="utf-8")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.crt", "-days", "2", "-extfile", "san.ext")
    return {name: folder / f"{name}" for name in ("ca.crt", "other-ca.crt", "server.crt", "server.key")}


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PgServer, dict[str, Path]]]:
    files = _certificates(tmp_path_factory.mktemp("certificates"))
    server = PgServer(tcp_port=_free_port(), ssl=(files["server.crt"], files["server.key"]), hba=[
        "local all all trust",
        "hostssl all all 127.0.0.1/32 scram-sha-256",
    ]).start()
    yield server, files
    server.stop()


def _docs_sql() -> list[str]:
    block = re.search(r"```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert block is not None
    return [s.strip() for s in block.group(1).split(";") if s.strip()]


def test_the_docs_sql_then_partner_desk_over_tls_with_the_password_from_the_keyring(
        tls_server: tuple[PgServer, dict[str, Path]], ring: MemoryKeyring) -> None:
    server, files = tls_server
    with psycopg.connect(host=str(server.socket), port=server.port, user="partner", dbname="postgres",
                         autocommit=True) as su:
        for statement in _docs_sql():
            su.execute(statement)
    url = (f"postgresql+psycopg://partner_desk@localhost:{server.port}/partner_desk"
           f"?sslmode=verify-full&sslrootcert={files['ca.crt']}")
    assert connections.store_password(url, "choose-a-long-password") is None
    db = Database(connections.with_password(url))
    try:
        assert init_database(db) is True  # the login the docs make may create the whole schema
        admin = add_user(db, SETUP, "olga", Role.ADMIN, "horse-battery-7")
        assert [u.name for u in list_users(db, admin)] == ["olga"]
        with db.engine.connect() as c:
            assert c.execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar() is True
            assert c.execute(text("SELECT current_user")).scalar() == "partner_desk"
    finally:
        db.dispose()


@pytest.mark.parametrize(("change", "refusal"), [
    ({"sslmode": "disable"}, "no pg_hba.conf entry"),  # without TLS: the server takes no plain connection
    ({"sslrootcert": "other-ca.crt"}, "certificate verify failed"),  # an impostor's certificate
    ({"host": "127.0.0.1"}, r"server certificate for \"localhost\".* does not match host name \"127.0.0.1\""),
])
def test_verify_full_refuses_what_it_cannot_verify(tls_server: tuple[PgServer, dict[str, Path]],
                                                   change: dict[str, str], refusal: str) -> None:
    server, files = tls_server
    params: dict[str, Any] = {"host": "localhost", "port": server.port, "user": "partner", "dbname": "postgres",
                              "sslmode": "verify-full", "sslrootcert": str(files["ca.crt"]), "password": "x"}
    params.update({k: str(files[v]) if k == "sslrootcert" else v for k, v in change.items()})
    with pytest.raises(psycopg.OperationalError, match=refusal):
        psycopg.connect(**params, connect_timeout=10).close()


# two first starts at once -----------------------------------------------------------------------------
@action
def init(db: Database) -> bool:
    return init_database(db)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_three_first_starts_at_once_make_one_schema(kind: str, tmp_path: Path,
                                                    request: pytest.FixtureRequest) -> None:
    for n in range(4):
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path / f'first{n}.db'}"
        else:
            url = request.getfixturevalue("pg_server").create_database(f"first{next(_names)}")
        with Crew(url, 3) as crew:
            outcomes = crew.round([("init", ())] * 3)
        assert all(o.won for o in outcomes), outcomes
        assert sorted(o.value for o in outcomes) == [False, False, True]  # one of them created it
        db = Database(url)
        with db.read() as s:
            assert int(s.scalar(select(func.count()).select_from(TierVersion)) or 0) == 1
            assert int(s.scalar(select(func.count()).select_from(RewardLevelRow)) or 0) == len(DEFAULT_REWARD_LEVELS)
            assert int(s.scalar(select(func.count()).select_from(Setting)) or 0) == 1
        assert migrate.is_current(db.engine)
        db.dispose()
