"""Release dates to the day, as the Ministry of Justice's calculator works them out (issue 12).

Pure Python: :mod:`.duration` turns a sentence as passed into days, :mod:`.legislation` holds the law as
data, :mod:`.engine` works out the dates with their working or says a manual calculation is needed.
"""

from desist.core.release_dates.duration import Duration
from desist.core.release_dates.engine import (
    Adjustments,
    Booking,
    Calculation,
    DateType,
    ManualCalculation,
    Movement,
    Sentence,
    SentenceKind,
    Step,
    calculate,
)
from desist.core.release_dates.legislation import CURRENT, WITH_PROGRESSION_MODEL, WITHOUT_SDS40, Legislation
from desist.core.release_dates.sds_plus import SdsPlus, sds_plus

__all__ = [
    "CURRENT",
    "WITHOUT_SDS40",
    "WITH_PROGRESSION_MODEL",
    "Adjustments",
    "Booking",
    "Calculation",
    "DateType",
    "Duration",
    "Legislation",
    "ManualCalculation",
    "Movement",
    "SdsPlus",
    "Sentence",
    "SentenceKind",
    "Step",
    "calculate",
    "sds_plus",
]
