"""Run the PyInstaller bundle the way a user would: `make bundle-check` (after `make build`).

In a temporary folder: `partner-desk --help` and every command's `--help`, `init --demo`, one
`statement` (read back), then the window offscreen for a few seconds in Ukrainian, signed in as the
demo admin; it must still be running then, with nothing on stderr about a missing catalog or
translation. Also checks that the bundle carries the compiled catalogs and Qt's Ukrainian
translations, and prints its size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from partner_desk.cli import COMMANDS

BUNDLE = Path(sys.argv[1] if len(sys.argv) > 1 else "dist/partner-desk")
EXE = BUNDLE / ("partner-desk.exe" if os.name == "nt" else "partner-desk")
WINDOW_SECONDS = 5


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"FAILED: partner-desk {' '.join(args)} (exit {done.returncode})\n{done.stderr}")
    print(f"ok: partner-desk {' '.join(args)}")
    return done


def carries(pattern: str) -> Path:
    found = sorted(BUNDLE.rglob(pattern))
    if not found:
        raise SystemExit(f"FAILED: the bundle carries no {pattern}")
    print(f"ok: carries {found[0].relative_to(BUNDLE)}")
    return found[0]


def previous_month(today: date) -> str:
    return f"{today.year - 1}-12" if today.month == 1 else f"{today.year}-{today.month - 1:02d}"


def main() -> int:
    if not EXE.exists():
        raise SystemExit(f"no bundle at {BUNDLE}: run 'make build'")
    carries("partner_desk/resources/locale/uk/LC_MESSAGES/partner_desk.mo")
    carries("qtbase_uk.qm")
    carries("partner_desk/resources/icons/partner-desk.png")
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PARTNER_DESK_DB": f"sqlite:///{Path(folder) / 'desk.db'}", "QT_QPA_PLATFORM": "offscreen",
               "PARTNER_DESK_PASSWORD": "partner-demo"}  # the demo data set's admin
        env.pop("PARTNER_DESK_LANG", None)
        assert "usage: partner-desk" in run("--help", env=env).stdout
        for command in COMMANDS:  # each command's module is imported by name when it is typed
            run(command, "--help", env=env)
        run("init", "--demo", env=env)
        agencies = json.loads(run("balance", "--json", env=env).stdout)
        code = agencies[0]["agency"]
        target = Path(folder) / f"{code}.xlsx"
        run("--user", "admin", "statement", code, "--period", previous_month(date.today()), "-o", str(target), env=env)
        if not target.is_file() or target.stat().st_size == 0:
            raise SystemExit(f"FAILED: no statement at {target}")
        window_env = {**env, "PARTNER_DESK_LANG": "uk", "HOME": folder, "XDG_CONFIG_HOME": folder}
        window = subprocess.Popen([str(EXE), "--user", "admin"], env=window_env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        time.sleep(WINDOW_SECONDS)
        still = window.poll() is None
        window.terminate()
        try:
            _out, err = window.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            window.kill()
            _out, err = window.communicate()
        if not still:
            raise SystemExit(f"FAILED: the window closed within {WINDOW_SECONDS} s (exit {window.returncode})\n{err}")
        for bad in ("Traceback", "no uk catalog", "no Qt translation"):
            if bad in err:
                raise SystemExit(f"FAILED: the window said '{bad}' on stderr:\n{err}")
        print(f"ok: the window ran {WINDOW_SECONDS} s offscreen in Ukrainian, signed in")
    files = [p for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    print(f"bundle: {BUNDLE} {size / 2**20:.0f} MiB in {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
