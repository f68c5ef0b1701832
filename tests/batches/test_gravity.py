"""Gravity readings as specific gravity; attenuation and ABV; a batch record kept and read back."""

from __future__ import annotations

import math
from datetime import date

import pytest

from custom_components.cellar_brewpi.batches import Batch
from custom_components.cellar_brewpi.batches.gravity import (
    alcohol_by_volume,
    apparent_attenuation,
    parse_gravity,
    plato_to_sg,
    specific_gravity,
)


@pytest.mark.parametrize(
    ("value", "unit", "sg"),
    [
        (1.052, None, 1.052),
        (1.052, "SG", 1.052),
        (1.0, "", 1.0),
        (12.0, "°P", 1.0484),
        (12.0, "°Plato", 1.0484),
        (12.0, "°Bx", 1.0484),
        (12.0, None, 1.0484),  # no unit, above 2: degrees Plato (an iSpindel set to °P)
        (0.0, "°P", 1.0),
        (1.5, "SG", None),  # no beer
        (70.0, "°P", None),
        (math.nan, None, None),
        (math.inf, "°P", None),
    ],
)
def test_a_reading_as_specific_gravity(value: float, unit: str | None, sg: float | None) -> None:
    result = specific_gravity(value, unit)
    assert result == (None if sg is None else pytest.approx(sg, abs=1e-4))


def test_plato_matches_the_brewers_tables() -> None:
    """ASBC's table: 10 °P is 1.0400, 20 °P 1.0830."""
    assert plato_to_sg(10) == pytest.approx(1.0400, abs=2e-4)
    assert plato_to_sg(20) == pytest.approx(1.0830, abs=2e-4)


@pytest.mark.parametrize(
    ("text", "sg"),
    [
        ("1.052", 1.052),
        (" 1,052 ", 1.052),
        ("15.1", 1.0616),  # the production Sheet writes °Plato
        ("12.5 °P", 1.0505),
        ("12.5°P", 1.0505),
        ("", None),
        ("n/a", None),
        ("1.052 / 1.010", None),
        (None, None),
    ],
)
def test_a_written_gravity(text: str | None, sg: float | None) -> None:
    result = parse_gravity(text)
    assert result == (None if sg is None else pytest.approx(sg, abs=1e-4))


def test_attenuation_and_abv() -> None:
    assert apparent_attenuation(1.050, 1.010) == pytest.approx(80.0)
    assert apparent_attenuation(1.050, 1.050) == pytest.approx(0.0)
    assert apparent_attenuation(1.0, 0.998) is None
    assert alcohol_by_volume(1.050, 1.010) == pytest.approx(5.25)


def test_a_batch_record_reads_back() -> None:
    batch = Batch(
        vessel="FV 1",
        beer="Hazy",
        batch_number="90",
        date_brewed=date(2026, 11, 20),
        og="1.060",
        fg=None,
        actual_volume="20 L",
        batch_size=None,
        notes="line one\nline two",
        split=None,
    )
    assert Batch.from_dict(batch.to_dict()) == batch
    assert batch.original_gravity == pytest.approx(1.06)
    assert batch.row is None
    # Blank text is no value; an unreadable date is no date; unknown keys are ignored.
    odd = Batch.from_dict({"beer": "  ", "date_brewed": "someday", "colour": "gold"})
    assert (odd.vessel, odd.beer, odd.date_brewed, odd.original_gravity) == ("", None, None, None)
