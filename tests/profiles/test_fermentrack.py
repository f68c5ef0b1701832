"""Fermentrack's table: written exactly as Fermentrack exports, read back, bad rows refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from custom_components.cellar_brewpi.profiles import (
    Hold,
    Profile,
    ProfileError,
    Ramp,
    Temperature,
    Unit,
    fermentrack,
    text,
)

from .reference import RefPoint, to_export

D = timedelta(days=1)
H = timedelta(hours=1)
M = timedelta(minutes=1)
S = timedelta(seconds=1)

TABLES: list[tuple[str, list[RefPoint]]] = [
    (
        "Ale with diacetyl rest",
        [(3 * D, 18.0, "C"), (5 * D, 21.0, "C"), (7 * D, 21.0, "C"), (7 * D + 12 * H, 2.0, "C")],
    ),
    ("Lager in F", [(0 * S, 50.0, "F"), (10 * D, 50.0, "F"), (12 * D, 65.5, "F")]),
    ("Mixed units", [(1 * D, 64.4, "F"), (3 * D, 20.25, "C"), (5 * D, 68.0, "F")]),
    ("Jump", [(2 * D, 18.0, "C"), (2 * D, 10.0, "C"), (4 * D, 10.0, "C")]),
    ("A jump mid-way", [(1 * D, 18.0, "C"), (3 * D, 22.0, "C"), (3 * D, 12.0, "C")]),
    ("Odd times", [(45 * M, 19.5, "C"), (1 * D + 1 * H + 1 * M + 1 * S, 20.75, "C")]),
    ("Long ttl", [(0 * S, 18.0, "C"), (400 * D + 23 * H + 59 * M + 59 * S, 19.0, "C")]),
    ("A name longer than the thirty-two columns of the table", [(3 * D, 18.0, "C")]),
    ("Hot", [(1 * D, 100.0, "C"), (2 * D, 212.0, "F")]),
]


@pytest.mark.parametrize(("name", "points"), TABLES, ids=[t[0] for t in TABLES])
def test_fermentracks_export_reads_and_writes_back_identically(
    name: str, points: list[RefPoint]
) -> None:
    exported = to_export(name, points)
    assert fermentrack.write(fermentrack.read(exported)) == exported


def test_the_layout_of_a_table() -> None:
    """The reference's layout, spelled out once: at least 32 columns inside, CRLF, 2 decimals."""
    exported = to_export("Ale", [(3 * D, 18.0, "C"), (5 * D, 21.0, "C")])
    lines = exported.split("\r\n")
    assert lines[0] == "=" * 36
    assert lines[1] == "| Ale" + " " * 30 + "|"
    assert lines[3] == "=" * 36
    assert lines[4] == "| 3d | 18.00 C" + " " * 21 + "|"
    assert lines[-1] == ""
    profile = fermentrack.read(exported)
    assert fermentrack.write(profile) == exported
    assert profile.steps == (
        Hold(Temperature(18, Unit.CELSIUS), 3 * D),
        Ramp(Temperature(21, Unit.CELSIUS), 2 * D),
    )


def test_smart_profile_is_read_and_written_as_standard() -> None:
    points: list[RefPoint] = [(3 * D, 18.0, "C"), (5 * D, 21.0, "C")]
    smart = fermentrack.read(to_export("Smart", points, "Smart Profile"))
    assert fermentrack.write(smart) == to_export("Smart", points)


@pytest.mark.parametrize(
    "source",
    [
        "hold 18 C for 3d\nramp to 21 C over 2d\nhold 21 C for 7d\nramp to 2 C over 12h",
        "hold 18 C for 3d\nhold 20 C for 2d\nhold 4.5 F",
        "hold 18 C for 0s\nramp to 21 F over 1d1h1m1s",
        "hold 10 C\n",
        "hold -2.5 C for 3d or gravity 1.010\nramp to 1 C over 1d",
    ],
)
def test_written_reads_and_writes_back_identically(source: str) -> None:
    written = fermentrack.write(text.read("Mine", source))
    assert fermentrack.write(fermentrack.read(written)) == written


def test_read_is_lenient() -> None:
    """Text before the table, LF lines, spacing, `°`, lower-case units, negative temperatures."""
    table = (
        "Exported from Fermentrack\n"
        "\n"
        "==========\n"
        "|  Cold crash |\n"
        "| Standard Profile |\n"
        "===============\n"
        "|3d4h|18 °c|\n"
        "| 3 d 5 h | -1.5 f |\n"
        "\n"
        "==========\n"
        "ignored after the table\n"
    )
    profile = fermentrack.read(table)
    assert profile.name == "Cold crash"
    assert profile.steps == (
        Hold(Temperature(18, Unit.CELSIUS), 3 * D + 4 * H),
        Ramp(Temperature(-1.5, Unit.FAHRENHEIT), 1 * H),
    )


def test_points_are_ordered_by_time() -> None:
    rows = ["=" * 10, "| Out of order |", "| Standard Profile |", "=" * 10]
    rows += ["| 5d | 21.00 C |", "| 3d | 18.00 C |", "=" * 10]
    profile = fermentrack.read("\n".join(rows))
    assert profile.steps == (
        Hold(Temperature(18, Unit.CELSIUS), 3 * D),
        Ramp(Temperature(21, Unit.CELSIUS), 2 * D),
    )


def test_looks_like() -> None:
    assert fermentrack.looks_like(to_export("A", [(1 * D, 18.0, "C")]))
    assert not fermentrack.looks_like("hold 18 C for 3d\n=== not ten")


def test_control_off_cannot_be_written() -> None:
    profile = text.read("Off", "hold 18 C for 1d\noff for 1d\nhold 18 C")
    with pytest.raises(ProfileError, match="cannot turn control off"):
        fermentrack.write(profile)


def table(*points: str, head: tuple[str, ...] = ("| Name |", "| Standard Profile |")) -> str:
    return "\n".join(["=" * 12, *head, "=" * 12, *points, "=" * 12])


@pytest.mark.parametrize(
    ("source", "line", "reason"),
    [
        (table("| 3d | 18.00 C |", "| 5d | warm |"), 6, "is not a point"),
        (table("| 3d | 18.00 C |", "5d 21 C"), 6, "is not a point"),
        (table("| 3d 18.00 C |"), 5, "is not a point"),
        (table("| 3dd | 18.00 C |"), 5, "is not a duration"),
        (table("| 99999999999y | 18.00 C |"), 5, "duration"),
        (table("| 3d | 18.00 C |")[: -len("\n" + "=" * 12)], 5, "no closing row"),
        (table("| 3d | 18.00 C |", head=("| Name |", "| 3d | 18.00 C |")), 3, "must say"),
        (table("| 3d | 18.00 C |", head=("| Name |", "| Profile |")), 3, "must say"),
        (table("| 3d | 18.00 C |", head=("|   |", "| Standard Profile |")), 2, "the name"),
        (table("| 3d | 18 C |", head=("| " + "n" * 129 + " |", "| Standard Profile |")), 2, ""),
        (table(), 4, "no points"),
        ("=" * 12 + "\n| Name |\n| Standard Profile |\n| 3d | 18 C |\n", 4, "must follow"),
        ("=" * 12 + "\n| Name |\n", None, "are missing"),
        ("| Name |\n| Standard Profile |\n", None, "no row of ====="),
        (table("| 11y | 18.00 C |"), None, "0 to 10 years"),
    ],
)
def test_malformed_tables_are_refused_with_their_line(
    source: str, line: int | None, reason: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        fermentrack.read(source)
    assert caught.value.line == line
    assert reason in caught.value.reason
    if line is not None:
        assert str(caught.value) == f"line {line}: {caught.value.reason}"


def test_a_bad_row_names_itself() -> None:
    with pytest.raises(ProfileError) as caught:
        fermentrack.read(table("| 5d | warm |"))
    assert caught.value.reason == "'| 5d | warm |' is not a point like '| 3d | 18.00 C |'"


def test_the_name_of_a_written_profile_is_its_own() -> None:
    profile = Profile("Ale", (Hold(Temperature(18, Unit.CELSIUS), 3 * D),))
    assert fermentrack.read(fermentrack.write(profile)).name == "Ale"


def test_name_and_type_rows_without_bars() -> None:
    profile = fermentrack.read(table("| 1d | 18 C |", head=("No bars", "Standard Profile")))
    assert profile.name == "No bars"
