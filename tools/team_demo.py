"""`make team-demo`: a throw-away PostgreSQL server with the demo data set, and the window on it.

The server is started the way the tests start theirs (tests/store/pg_server.py: Debian's PostgreSQL
binaries, a temporary folder, a Unix socket); the demo data set is built through the product
(`init --demo`); then one window opens on it (or `--windows N`, each a process of its own, signed in
as the demo's users in turn), and the URL is printed so that more can be opened. The server stops,
and its folder is removed, when the windows are closed.

    .venv/bin/python tools/team_demo.py [--windows 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from partner_desk.cli import main as cli  # noqa: E402
from tests.store.pg_server import PgServer  # noqa: E402

USERS = ("finance", "olena", "admin", "petro")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=1, help="how many windows to open (default 1)")
    args = parser.parse_args(argv)
    server = PgServer().start()
    try:
        url = server.create_database("partner_desk")
        print(f"a throw-away PostgreSQL server in {server.root}; building the demo data set…", flush=True)
        if cli(["--db", url, "init", "--demo"]) != 0:
            return 1
        print(f"\nthe database: {url}\nanother window on it: partner-desk --db '{url}'\n"
              "demo users: admin, finance, olena, petro (password partner-demo)\n", flush=True)
        windows = []
        for n in range(max(args.windows, 1)):
            env = dict(os.environ)
            if args.windows > 1:
                env["PARTNER_DESK_PASSWORD"] = "partner-demo"
            command = [sys.executable, "-m", "partner_desk", "--db", url]
            if args.windows > 1:
                command += ["--user", USERS[n % len(USERS)]]
            windows.append(subprocess.Popen(command, env=env))
        return max(window.wait() for window in windows)
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
