"""Thermal model, control state machine and JSON helpers of the BrewPi emulator.

Everything here is synchronous and deterministic: simulated time only moves when `advance()` is
called (the emulator calls it from a background tick, tests may call it directly).

Chamber physics (first-order, explicit Euler in 1 s steps, temperatures in degC):
  fridge air: d/dt = (room - fridge)/7200 + (beer - fridge)/600 - 0.02*cooler + 0.015*heater
  beer:       d/dt = (fridge - beer)/28800   (large thermal mass, about 8 h time constant)
  room:       21 degC +- 0.4 degC over a simulated day
Probes read in 1/16 degC steps (DS18B20 resolution). `Chamber.cooler_works = False` is a dead
compressor: the cooler switches on and off as before but cools nothing.

Control is a simplified rewrite of the firmware's chamber mode (TempControl / ChamberMode):
the beer error drives the fridge setting through PID within +-pidMax of beerSet; the fridge
setting plus the idle range decides heating/cooling; minimum on/off/switch times put the
controller into WAITING_TO_* or *_MIN_TIME states; after a cycle it waits for the overshoot
peak (WAITING_FOR_PEAK_DETECT). Estimators do not adapt. After (re)boot the last heat/cool
times are "now", so the controller first waits, as the real one does.
"""

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class State(IntEnum):
    """Control states as reported in `T:` (firmware TempControl.h)."""

    IDLE = 0
    OFF = 1
    DOOR_OPEN = 2
    HEATING = 3
    COOLING = 4
    WAITING_TO_COOL = 5
    WAITING_TO_HEAT = 6
    WAITING_FOR_PEAK_DETECT = 7
    COOLING_MIN_TIME = 8
    HEATING_MIN_TIME = 9


IDLE_LIKE = frozenset(
    {State.IDLE, State.OFF, State.WAITING_TO_COOL, State.WAITING_TO_HEAT}
    | {State.WAITING_FOR_PEAK_DETECT, State.DOOR_OPEN}
)
COOLING_STATES = frozenset({State.COOLING, State.COOLING_MIN_TIME})
HEATING_STATES = frozenset({State.HEATING, State.HEATING_MIN_TIME})
HYSTERESIS = 1 / 32  # 16 in the firmware's 1/512 fixed point


@dataclass(frozen=True)
class MinTimes:
    """Minimum times in seconds (firmware MinTimes::setDefaults)."""

    cool_off: int
    heat_off: int
    cool_on: int
    heat_on: int
    cool_off_fridge_constant: int
    switch: int
    cool_peak_detect: int
    heat_peak_detect: int


NORMAL_TIMES = MinTimes(300, 300, 180, 180, 600, 600, 1800, 900)
LOW_DELAY_TIMES = MinTimes(60, 300, 20, 180, 60, 600, 1800, 900)

# Control constants in degC (C: key order). Absolute temperatures and differences are converted
# to the display unit on output; the rest are plain numbers.
TEMP_KEYS = frozenset({"tempSetMin", "tempSetMax"})
DIFF_KEYS = frozenset({"pidMax", "iMaxErr", "idleRangeH", "idleRangeL"}) | {
    "heatTargetH",
    "heatTargetL",
    "coolTargetH",
    "coolTargetL",
}
FACTOR_KEYS = frozenset({"Kp", "Ki", "Kd"})
DEFAULT_CONSTANTS: dict[str, float] = {
    "tempSetMin": 1.0,
    "tempSetMax": 30.0,
    "pidMax": 10.0,
    "Kp": 5.0,
    "Ki": 0.25,
    "Kd": -1.5,
    "iMaxErr": 0.5,
    "idleRangeH": 1.0,
    "idleRangeL": -1.0,
    "heatTargetH": 0.3,
    "heatTargetL": -0.2,
    "coolTargetH": 0.2,
    "coolTargetL": -0.3,
    "maxHeatTimeForEst": 600,
    "maxCoolTimeForEst": 1200,
    "fridgeFastFilt": 1,
    "fridgeSlowFilt": 4,
    "fridgeSlopeFilt": 3,
    "beerFastFilt": 3,
    "beerSlowFilt": 4,
    "beerSlopeFilt": 4,
    "lah": 0,
    "hs": 0,
}
F_LIMITS = (34.0, 86.0)  # tempSetMin/Max for a controller that starts in Fahrenheit


@dataclass
class Chamber:
    """A fermentation chamber: beer, fridge air, room air and the two actuators."""

    beer_temp: float = 20.5
    fridge_temp: float = 19.0
    room_temp: float = 21.0
    heater_on: bool = False
    cooler_on: bool = False
    room_base: float = 21.0
    cooler_works: bool = True  # a fault: False, and the cooler runs without cooling anything

    def step(self, dt: float, now: float) -> None:
        """Integrate `dt` simulated seconds."""
        self.room_temp = self.room_base + 0.4 * math.sin(2 * math.pi * now / 86400)
        fridge, beer = self.fridge_temp, self.beer_temp
        d_fridge = (self.room_temp - fridge) / 7200 + (beer - fridge) / 600
        d_fridge += 0.015 * self.heater_on - 0.02 * (self.cooler_on and self.cooler_works)
        self.fridge_temp += d_fridge * dt
        self.beer_temp += (fridge - beer) / 28800 * dt


class Controller:
    """Settings, constants and the control state machine, independent of any I/O."""

    def __init__(
        self,
        *,
        temp_format: str,
        low_delay: bool,
        beer_probe: bool,
        fridge_probe: bool,
        room_sensor: bool,
    ) -> None:
        self.chamber = Chamber()
        self.beer_probe = beer_probe
        self.fridge_probe = fridge_probe
        self.room_sensor = room_sensor
        self.room_installed = room_sensor
        self.temp_format = "F" if temp_format.upper() == "F" else "C"
        self.min_times = LOW_DELAY_TIMES if low_delay else NORMAL_TIMES
        self.cc = self.default_constants(self.temp_format)
        # A controller "in use": beer constant at 20 degC (EEPROM defaults would be mode off).
        self.mode = "b"
        self._beer_set: float | None = 20.0
        self._fridge_set: float | None = 20.0
        self.heat_est, self.cool_est = 0.2, 5.0
        self.sim_time = 0.0
        self._sim_acc = 0.0
        self.boot()
        self._reported_state = self.state
        self.state_history: list[tuple[float, int]] = [(0.0, self.state)]

    @staticmethod
    def default_constants(temp_format: str) -> dict[str, float]:
        """Return the default control constants (degC) for a unit."""
        cc = dict(DEFAULT_CONSTANTS)
        if temp_format == "F":
            cc["tempSetMin"], cc["tempSetMax"] = ((v - 32) / 1.8 for v in F_LIMITS)
        return cc

    def boot(self) -> None:
        """Reset volatile control state like a power cycle; settings survive (EEPROM)."""
        self.state = int(State.IDLE)
        self.wait_time = 0.0
        self._last_idle = self._last_heat = self._last_cool = self.sim_time
        self._do_pos_peak = self._do_neg_peak = False
        self._prev_fridge: float | None = None
        self._prev_beer: float | None = None
        self.beer_diff = self.diff_integral = self.beer_slope = 0.0
        self.pid = (0.0, 0.0, 0.0)
        self.est_peak = self.neg_peak_est = self.pos_peak_est = 0.0
        self.neg_peak = self.pos_peak = 0.0
        self._integral_counter = 0
        self.chamber.heater_on = self.chamber.cooler_on = False
        if self.mode == "o":
            self._beer_set = self._fridge_set = None

    # ---- units -------------------------------------------------------------------------
    def to_display(self, celsius: float) -> float:
        """Convert an absolute temperature to the controller's unit."""
        return celsius * 1.8 + 32 if self.temp_format == "F" else celsius

    def from_display(self, value: float) -> float:
        """Convert an absolute temperature from the controller's unit."""
        return (value - 32) / 1.8 if self.temp_format == "F" else value

    def diff_factor(self) -> float:
        """Return the factor from degC differences to display-unit differences."""
        return 1.8 if self.temp_format == "F" else 1.0

    @property
    def beer_set(self) -> float:
        """Beer setting in the display unit; 0 when invalid (mode off/fridge constant)."""
        return 0.0 if self._beer_set is None else self.to_display(self._beer_set)

    @beer_set.setter
    def beer_set(self, value: float) -> None:
        self._beer_set = self.from_display(value)

    @property
    def fridge_set(self) -> float:
        """Fridge setting in the display unit; 0 when invalid (mode off)."""
        return 0.0 if self._fridge_set is None else self.to_display(self._fridge_set)

    @fridge_set.setter
    def fridge_set(self, value: float) -> None:
        self._fridge_set = self.from_display(value)

    @property
    def beer_setting(self) -> float | None:
        """Beer setting in degC, None while invalid (mode off, fridge constant)."""
        return self._beer_set

    @property
    def fridge_setting(self) -> float | None:
        """Fridge setting in degC, None while invalid (mode off)."""
        return self._fridge_set

    # ---- probes ------------------------------------------------------------------------
    @staticmethod
    def _quantize(value: float) -> float:
        return round(value * 16) / 16

    def beer_reading(self) -> float | None:
        """Beer probe reading in degC, None when disconnected."""
        return self._quantize(self.chamber.beer_temp) if self.beer_probe else None

    def fridge_reading(self) -> float | None:
        """Fridge probe reading in degC, None when disconnected."""
        return self._quantize(self.chamber.fridge_temp) if self.fridge_probe else None

    def room_reading(self) -> float | None:
        """Room sensor reading in degC, None when absent or disconnected."""
        ok = self.room_sensor and self.room_installed
        return self._quantize(self.chamber.room_temp) if ok else None

    # ---- settings ----------------------------------------------------------------------
    def set_mode(self, mode: str, *, force: bool = False) -> None:
        """Switch mode like TempControl::setMode (mode off invalidates both settings)."""
        waiting = {State.WAITING_TO_COOL, State.WAITING_TO_HEAT, State.WAITING_FOR_PEAK_DETECT}
        if mode != self.mode or self.state in waiting:
            self.state = int(State.IDLE)
            force = True
        if force:
            self.mode = mode
            if mode == "o":
                self._beer_set = self._fridge_set = None
            self._update_pid()  # the control loop reacts within a second; do it at once
            self._update_state()

    def set_beer_setting(self, celsius: float) -> None:
        """Apply a new beer setting (degC) and re-run the controller at once."""
        old = self._beer_set
        self._beer_set = celsius
        if old is None or abs(old - celsius) > 0.5:
            self._do_pos_peak = self._do_neg_peak = False
        self._update_pid()
        self._update_state()

    def set_fridge_setting(self, celsius: float) -> None:
        """Apply a new fridge setting (degC) and re-run the controller at once."""
        self._fridge_set = celsius
        self._do_pos_peak = self._do_neg_peak = False
        self._update_pid()
        self._update_state()

    # ---- simulation --------------------------------------------------------------------
    def advance(self, seconds: float) -> None:
        """Run the chamber and the controller for `seconds` of simulated time."""
        self._sim_acc += seconds
        while self._sim_acc >= 1.0:
            self._sim_acc -= 1.0
            self.chamber.step(1.0, self.sim_time)
            self.sim_time += 1.0
            self._update_slope()
            self._update_pid()
            self._update_state()
            self._update_outputs()
            self._detect_peaks()
            self.check_state()

    def check_state(self) -> None:
        """Record a state change and announce it (the firmware sends an unsolicited T:)."""
        if self.state != self._reported_state:
            self._reported_state = self.state
            self.state_history.append((self.sim_time, self.state))
            self._state_changed()

    def _state_changed(self) -> None:
        """Hook run on every control state change."""

    def _log(self, log_type: str, log_id: int, values: list[Any]) -> None:
        """Hook for firmware log messages (`D:` lines)."""

    def _update_slope(self) -> None:
        beer = self.beer_reading()
        if beer is not None and self._prev_beer is not None:
            self.beer_slope += ((beer - self._prev_beer) * 3600 - self.beer_slope) / 600
        self._prev_beer = beer

    def _update_pid(self) -> None:
        if self.mode == "f":
            self._beer_set = None  # the firmware marks the beer setting inactive
            return
        if self.mode not in {"b", "p"}:
            return
        beer_set, beer = self._beer_set, self.beer_reading()
        if beer_set is None:
            self._fridge_set = None
            return
        if beer is None or self.fridge_reading() is None:
            return
        cc = self.cc
        self.beer_diff = beer_set - beer
        self._integral_counter += 1
        if self._integral_counter >= 60:
            self._integral_counter = 0
            self.diff_integral += self._integral_update(beer_set)
        p = cc["Kp"] * self.beer_diff
        i = cc["Ki"] * self.diff_integral
        d = cc["Kd"] * self.beer_slope
        self.pid = (p, i, d)
        low, high, pid_max = cc["tempSetMin"], cc["tempSetMax"], cc["pidMax"]
        lower = low if beer_set <= low + pid_max else beer_set - pid_max
        upper = high if beer_set >= high - pid_max else beer_set + pid_max
        self._fridge_set = min(max(beer_set + p + i + d, lower), upper)

    def _integral_update(self, beer_set: float) -> float:
        update, cc = self.beer_diff, self.cc
        if self.state != State.IDLE:
            return 0.0
        if abs(update) >= cc["iMaxErr"]:
            return -self.diff_integral / 8
        if (update > 0) != (self.diff_integral > 0):
            return update * 2
        fridge_set = beer_set if self._fridge_set is None else self._fridge_set
        reading = self.fridge_reading()
        fridge = fridge_set if reading is None else reading
        saturated = (
            fridge_set >= cc["tempSetMax"]
            or fridge_set <= cc["tempSetMin"]
            or abs(fridge_set - beer_set) >= cc["pidMax"]
            or (update < 0 and fridge > fridge_set + 2)
            or (update > 0 and fridge < fridge_set - 2)
        )
        return 0.0 if saturated else update

    def _update_state(self) -> None:
        now, mode = self.sim_time, self.mode
        fridge, beer = self.fridge_reading(), self.beer_reading()
        fridge_set, beer_set = self._fridge_set, self._beer_set
        if mode == "t":
            self.state = int(State.IDLE)
            return
        stay_idle = mode == "o"
        if stay_idle:
            self.state = int(State.OFF)
        elif (
            fridge is None
            or fridge_set is None
            or (mode in {"b", "p"} and (beer is None or beer_set is None))
        ):
            self.state, stay_idle = int(State.IDLE), True
        since_idle = now - self._last_idle
        if self.state in IDLE_LIKE:
            self._last_idle = now
            if not stay_idle and fridge is not None and fridge_set is not None:
                self._leave_idle(fridge, fridge_set, beer, beer_set)
            return
        if fridge is None or fridge_set is None:  # pragma: no cover - excluded by stay_idle
            return
        beer_done = False
        if self.state in COOLING_STATES:
            self._do_neg_peak, self._last_cool = True, now
            limit = min(self.cc["maxCoolTimeForEst"], since_idle)
            self.est_peak = fridge - self.cool_est * limit / 3600
            if mode != "f" and beer is not None and beer_set is not None:
                beer_done = beer < beer_set - HYSTERESIS
            self._finish_cycle(self.est_peak <= fridge_set or beer_done, since_idle, cooling=True)
        else:
            self._do_pos_peak, self._last_heat = True, now
            limit = min(self.cc["maxHeatTimeForEst"], since_idle)
            self.est_peak = fridge + self.heat_est * limit / 3600
            if mode != "f" and beer is not None and beer_set is not None:
                beer_done = beer > beer_set + HYSTERESIS
            self._finish_cycle(self.est_peak >= fridge_set or beer_done, since_idle, cooling=False)

    def _finish_cycle(self, done: bool, since_idle: float, *, cooling: bool) -> None:  # noqa: FBT001
        on_state = State.COOLING if cooling else State.HEATING
        min_state = State.COOLING_MIN_TIME if cooling else State.HEATING_MIN_TIME
        min_on = self.min_times.cool_on if cooling else self.min_times.heat_on
        self.state = int(on_state)
        if not done:
            return
        if since_idle > min_on:
            if cooling:
                self.neg_peak_est = self.est_peak
            else:
                self.pos_peak_est = self.est_peak
            self.state = int(State.IDLE)
        else:
            self.state = int(min_state)

    def _leave_idle(
        self, fridge: float, fridge_set: float, beer: float | None, beer_set: float | None
    ) -> None:
        now, times, cc = self.sim_time, self.min_times, self.cc
        since_cool, since_heat = now - self._last_cool, now - self._last_heat
        beer_error = (
            0.0 if self.mode == "f" or beer is None or beer_set is None else beer - beer_set
        )
        if fridge > fridge_set + cc["idleRangeH"]:
            if self.mode != "f" and beer_error < HYSTERESIS:
                self.state = int(State.IDLE)
                return
            off = times.cool_off if self.mode != "f" else times.cool_off_fridge_constant
            wait = max(0.0, times.switch - since_heat, off - since_cool)
            new = State.WAITING_TO_COOL if wait > 0 else State.COOLING
        elif fridge < fridge_set + cc["idleRangeL"]:
            if self.mode != "f" and beer_error > -HYSTERESIS:
                self.state = int(State.IDLE)
                return
            wait = max(0.0, times.switch - since_cool, times.heat_off - since_heat)
            new = State.WAITING_TO_HEAT if wait > 0 else State.HEATING
        else:
            self.state = int(State.IDLE)
            return
        if new in {State.COOLING, State.HEATING} and (self._do_neg_peak or self._do_pos_peak):
            new = State.WAITING_FOR_PEAK_DETECT
        self.state, self.wait_time = int(new), wait

    def _update_outputs(self) -> None:
        if self.mode != "t":
            self.chamber.cooler_on = self.state in COOLING_STATES
            self.chamber.heater_on = self.state in HEATING_STATES

    def _detect_peaks(self) -> None:
        fridge, prev = self.fridge_reading(), self._prev_fridge
        self._prev_fridge = fridge
        if fridge is None or prev is None:
            return
        now, times = self.sim_time, self.min_times
        if self._do_pos_peak and self.state not in HEATING_STATES:
            if fridge < prev:
                self.pos_peak, self._do_pos_peak = prev, False
                self._peak_log(17, prev, self.pos_peak_est, self.heat_est)
            elif now - self._last_heat > times.heat_peak_detect:
                self._do_pos_peak = False
        elif self._do_neg_peak and self.state not in COOLING_STATES:
            if fridge > prev:
                self.neg_peak, self._do_neg_peak = prev, False
                self._peak_log(18, prev, self.neg_peak_est, self.cool_est)
            elif now - self._last_cool > times.cool_peak_detect:
                self._do_neg_peak = False

    def _peak_log(self, log_id: int, peak: float, estimate: float, estimator: float) -> None:
        temps = [f"{self.to_display(v):.2f}" for v in (peak, estimate)]
        self._log("I", log_id, [*temps, f"{estimator:.3f}", f"{estimator:.3f}"])
