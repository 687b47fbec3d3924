"""Packaging: everything is in pyproject.toml, except one build step.

The run-time resources (icons, compiled translation catalogs, the desktop entry) live in the
checkout's `resources/`, which the window reads from there when it runs from a checkout or an
editable install. A wheel (`pip install .`) carries them inside the package, as
`partner_desk/resources/`, where `partner_desk.i18n` looks first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# what the window loads at run time; translation sources (.po, .pot) and tool configuration stay out
RUNTIME = ("icons/*", "locale/*/LC_MESSAGES/*.mo", "partner-desk.desktop")


class build_py_with_resources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's resources/ in place
        target = Path(self.build_lib) / "partner_desk" / "resources"
        for pattern in RUNTIME:
            for source in sorted((ROOT / "resources").glob(pattern)):
                destination = target / source.relative_to(ROOT / "resources")
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination)


setup(cmdclass={"build_py": build_py_with_resources})
