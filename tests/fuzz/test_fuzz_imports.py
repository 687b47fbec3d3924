"""Every file a user can feed an import is read exactly as it shows or refused with its place, and a
refused file leaves the database as it was (SPEC section 9). Generated mutations of valid files of
all five kinds, CSV and XLSX, and a checked-in corpus of the nasty cases.

`make test` runs 450 generated files (50 CSV and 40 XLSX files of each of the five kinds) besides the
corpus; `make test-deep` (the "deep" hypothesis profile) ten times as many.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partner_desk.services.imports import KINDS
from tests.fuzz.generate import damage_csv, damage_xlsx, mutated, valid_tables, write_csv, write_xlsx
from tests.fuzz.oracle import shown
from tests.fuzz.world import build_template, check

CORPUS = Path(__file__).parent / "corpus"
KIND_NAMES = sorted(KINDS)


def examples(base: int) -> int:
    """`base` examples in the default profile (100 examples a test), ten times as many in "deep"."""
    return max(1, base * settings.default.max_examples // 100)


def fuzz(base: int) -> settings:
    return settings(max_examples=examples(base), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("fuzz-template"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _percent(kind: str) -> tuple[str, ...]:
    return tuple(getattr(KINDS[kind], "PERCENT_COLUMNS", ()))


@fuzz(50)
@given(data=st.data())
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_csv_files_are_read_as_they_show_or_refused(template: Path, scratch: Path, kind: str,
                                                    data: st.DataObject) -> None:
    table = data.draw(mutated(data.draw(valid_tables(kind))), label="table")
    style = data.draw(st.fixed_dictionaries({
        "encoding": st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "cp1251", "latin-1"]),
        "bom": st.booleans(), "newline": st.sampled_from(["\n", "\r\n", "\r"]),
        "delimiter": st.sampled_from([",", ",", ",", ";", "\t"]), "quote_all": st.booleans(),
    }), label="style")
    damage = data.draw(st.sampled_from([None, None, None, "truncate", "flip", "nul"]), label="damage")
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        path = write_csv(Path(folder) / f"{kind}.csv", table, **style)
        if damage is not None:
            damage_csv(path, damage, data.draw(st.integers(0, 2**32), label="seed"))
        check(template, Path(folder), kind, path, shown(path, _percent(kind)))


@fuzz(40)
@given(data=st.data())
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_xlsx_files_are_read_as_they_show_or_refused(template: Path, scratch: Path, kind: str,
                                                     data: st.DataObject) -> None:
    table = data.draw(mutated(data.draw(valid_tables(kind))), label="table")
    writer = data.draw(st.sampled_from(["openpyxl", "xlsxwriter"]), label="writer")
    typed = data.draw(st.booleans(), label="typed")
    damage = data.draw(st.sampled_from([None, None, "understate", "no_dimension", "reverse_rows", "reverse_cells",
                                        "error_cell", "broken_xml", "truncate", "flip"]), label="damage")
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        path = write_xlsx(Path(folder) / f"{kind}.xlsx", table, writer=writer, typed=typed)
        if damage is not None:
            damage_xlsx(path, damage, data.draw(st.integers(0, 2**32), label="seed"))
        check(template, Path(folder), kind, path, shown(path, _percent(kind)))


CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx"))


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_the_corpus_of_nasty_files(template: Path, scratch: Path, path: Path) -> None:
    """`KIND.OUTCOME.what.ext`: each corpus file is accepted or refused as its name says, and either
    way by the rules above."""
    kind, expected, _what = path.name.split(".", 2)
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        outcome = check(template, Path(folder), kind, path, shown(path, _percent(kind)))
    assert ("refused" if outcome.error is not None else "accepted") == expected, outcome.error


def test_the_corpus_has_every_kind_and_both_outcomes() -> None:
    names = [p.name.split(".") for p in CORPUS_FILES]
    assert {n[0] for n in names} == set(KIND_NAMES)
    assert {n[1] for n in names} == {"accepted", "refused"}
    assert len(CORPUS_FILES) >= 30
