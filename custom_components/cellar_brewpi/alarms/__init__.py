"""
Alarms of a thermostat (a BrewPi chamber, a glycol vessel), without Home Assistant.

Each rule (`rules`) is fed the thermostat's samples (`models.Sample`: time, temperature,
target, action, probes) and says whether it is on and why: wrong direction (a robust slope,
`slope.theil_sen`, against what the thermostat does), off target, cooling failure, probe lost.
"""

from .models import Action, AlarmSettings, Sample
from .rules import RULES, CoolingFailure, OffTarget, ProbeLost, Rule, WrongDirection
from .slope import theil_sen, thin

__all__ = [
    "RULES",
    "Action",
    "AlarmSettings",
    "CoolingFailure",
    "OffTarget",
    "ProbeLost",
    "Rule",
    "Sample",
    "WrongDirection",
    "theil_sen",
    "thin",
]
