"""
No false alarm over a simulated 14-day fermentation, on the emulators' own thermal models.

A BrewPi chamber (`brewpi_model.Controller`) and a glycol vessel (`alpha_panel.CellarModel`)
run a realistic profile of setpoints in simulated time, read once a minute with probe noise;
every rule is fed each reading, stored and read back once (a restart) half way. Turn-ons are
counted: none is allowed. Then the same runs with a fault each rule is for must fire it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from custom_components.cellar_brewpi.alarms import RULES, Action, AlarmSettings, Rule, Sample
from scripts.emulators.alpha_panel import CellarModel, Vessel
from scripts.emulators.brewpi_model import COOLING_STATES, HEATING_STATES, Controller, State

START = datetime(2025, 3, 1, tzinfo=UTC)
DAYS = 14
RESTART_AT = 7 * 24 * 60  # minutes: a 3-minute restart with the rules stored and read back


def ale_target(day: float) -> tuple[float, bool]:
    """An ale in °C at `day` (and whether it ramps): 18 for 3 days, up to 21 over 2, crash to 2."""
    if day < 3:
        return 18.0, False
    if day < 5:
        return 18.0 + 3.0 * (day - 3) / 2, True
    if day < 8:
        return 21.0, False
    return 2.0, False


def chamber_samples(seed: int, *, cooler_works: bool = True) -> Iterator[Sample]:
    """A chamber's readings a minute apart over the fortnight (beer noise 0.05 °C)."""
    rng = random.Random(seed)
    controller = Controller(
        temp_format="C", low_delay=False, beer_probe=True, fridge_probe=True, room_sensor=True
    )
    controller.chamber.beer_temp = 18.4  # wort pitched a little warm
    controller.set_mode("p", force=True)
    controller.chamber.cooler_works = cooler_works
    applied: float | None = None
    for minute in range(DAYS * 24 * 60):
        target, ramping = ale_target(minute / 1440)
        rounded = round(target, 1)
        if rounded != applied:
            controller.set_beer_setting(rounded)
            applied = rounded
        controller.advance(60)
        state = State(controller.state)
        action = (
            Action.COOLING
            if state in COOLING_STATES
            else Action.HEATING
            if state in HEATING_STATES
            else Action.IDLE
        )
        beer = controller.chamber.beer_temp + rng.gauss(0, 0.05)
        fridge = controller.chamber.fridge_temp + rng.gauss(0, 0.05)
        yield Sample(
            at=START + timedelta(minutes=minute),
            temperature=round(beer * 16) / 16,
            target=rounded,
            action=action,
            cooled=round(fridge * 16) / 16,
            probes={"beer": beer, "fridge": fridge},
            ramping=ramping,
        )


def lager_target(day: float) -> tuple[float, bool]:
    """A vessel's lager in °F: 50 for 7 days, free rise to 58 over a day, 5 days, crash to 34."""
    if day < 7:
        return 50.0, False
    if day < 8:
        return 50.0 + 8.0 * (day - 7), True
    if day < 12:
        return 58.0, False
    return 34.0, False


def vessel_samples(seed: int, model: CellarModel | None = None) -> Iterator[Sample]:
    """A vessel's panel readings a minute apart (0.1 °F, noise 0.1 °F), fermenting hard."""
    rng = random.Random(seed)
    model = model or CellarModel()
    vessel = Vessel(slot=1, label="FV 10/1", temperature=51.0, set_point=50.0, heat_rate=2.5)
    for minute in range(DAYS * 24 * 60):
        target, ramping = lager_target(minute / 1440)
        vessel.set_point = round(target)
        for _ in range(6):
            model.step(vessel, 1 / 360)
        reading = round(vessel.temperature + rng.gauss(0, 0.1), 1)
        yield Sample(
            at=START + timedelta(minutes=minute),
            temperature=reading,
            target=vessel.set_point,
            action=Action.COOLING if vessel.valve_open else Action.IDLE,
            probes={"temperature": reading},
            ramping=ramping,
        )


def turn_ons(samples: Iterator[Sample], settings: AlarmSettings) -> dict[str, list[datetime]]:
    """When each rule turned on over the run (with one restart half way)."""
    rules: list[Rule] = [rule(settings) for rule in RULES]
    fired: dict[str, list[datetime]] = {rule.key: [] for rule in rules}
    for minute, sample in enumerate(samples):
        if minute == RESTART_AT:
            stored = [json.loads(json.dumps(rule.to_dict())) for rule in rules]
            rules = [type(rule)(settings) for rule in rules]
            for rule, data in zip(rules, stored, strict=True):
                rule.restore(data)
        if RESTART_AT <= minute < RESTART_AT + 3:
            continue  # Home Assistant is down
        for rule in rules:
            was = rule.on
            rule.update(sample)
            if rule.on and not was:
                fired[rule.key].append(sample.at)
    return fired


@pytest.mark.parametrize("seed", [1])
def test_no_false_alarm_on_a_chamber_over_a_fortnight(seed: int) -> None:
    fired = turn_ons(chamber_samples(seed), AlarmSettings.for_unit("C"))
    assert fired == {rule.key: [] for rule in RULES}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_false_alarm_on_a_vessel_over_a_fortnight(seed: int) -> None:
    fired = turn_ons(vessel_samples(seed), AlarmSettings.for_unit("F"))
    assert fired == {rule.key: [] for rule in RULES}


def test_a_chamber_whose_cooler_does_nothing() -> None:
    fired = turn_ons(chamber_samples(1, cooler_works=False), AlarmSettings.for_unit("C"))
    assert fired["cooling_failure"]
    assert fired["off_target"]  # the crash never gets there, long after its settle hours
    assert not fired["probe_lost"]


def test_a_vessel_whose_glycol_does_nothing() -> None:
    fired = turn_ons(
        vessel_samples(1, CellarModel(glycol_coefficient=0.0)), AlarmSettings.for_unit("F")
    )
    assert fired["cooling_failure"]
    assert fired["wrong_direction"]
    assert fired["off_target"]
    assert not fired["probe_lost"]
