"""The MoJ calculator's example bookings (tests/core/data/crd) as desist engine input, and how we compare.

Each case becomes either a :class:`~desist.core.release_dates.engine.Booking` with the calculator's
legislation profile, or the reason desist cannot express it yet ("unsupported: …"); none is skipped silently.

    python -m tests.core.crd_examples          # print the counts by category
    python -m tests.core.crd_examples --write  # rewrite tests/core/data/crd/expectations.json
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from desist.core.release_dates.duration import Duration
from desist.core.release_dates.engine import (
    Adjustments,
    Booking,
    Calculation,
    DateType,
    Movement,
    Sentence,
    SentenceKind,
    calculate,
)
from desist.core.release_dates.legislation import (
    CURRENT,
    HDC_ADULT_CLEAN_STOP,
    WITH_PROGRESSION_MODEL,
    WITHOUT_SDS40,
    Legislation,
)

DATA = Path(__file__).resolve().parent / "data" / "crd"
EXPECTATIONS = DATA / "expectations.json"
# The bank holidays of England and Wales the calculator's example tests run with: its `SpringTestBase` mocks
# `BankHolidayService` with `TestUtil.defaultBankHolidays()`, which lists only these two (27 and 28 December
# 2021, the Christmas and Boxing Day substitutes). The app passes the real calendar
# (desist.core.working_days).
CALCULATOR_TEST_BANK_HOLIDAYS = frozenset({date(2021, 12, 27), date(2021, 12, 28)})

KINDS = {
    "StandardSentence": SentenceKind.STANDARD,
    "ExtendedDeterminateSentence": SentenceKind.EXTENDED,
    "SopcSentence": SentenceKind.SOPC,
    "AFineSentence": SentenceKind.FINE_DEFAULT,
    "DetentionAndTrainingOrderSentence": SentenceKind.DTO,
    "BotusSentence": SentenceKind.BOTUS,
}
KIND_NAMES = {}
PROFILES: dict[str | None, Legislation] = {
    "calculation-params": CURRENT,
    None: CURRENT,
    "sds-50": WITHOUT_SDS40,
    "sds-progression-model-october": WITH_PROGRESSION_MODEL,
}
# The calculator's feature toggles that change the law applied, and those that change nothing here.
LAW_TOGGLES = {"applyPostRecallRepealRules", "applyPostHdcedRepealRules", "adultHdcSuspended"}
HARMLESS_TOGGLES = {
    "routePreProgressionExtinguishedSentenceToManual",
    "progressionModelScheduleExclusionEnabled",
    "storeSentenceLevelDates",
}
ADJUSTMENTS = {
    "REMAND": "remand",
    "TAGGED_BAIL": "tagged_bail",
    "UNLAWFULLY_AT_LARGE": "unlawfully_at_large",
    "ADDITIONAL_DAYS_AWARDED": "additional_days_awarded",
    "RESTORATION_OF_ADDITIONAL_DAYS_AWARDED": "restored_days",
    "RECALL_REMAND": "recall_remand",
    "RECALL_TAGGED_BAIL": "recall_tagged_bail",
}


@dataclass(frozen=True)
class Example:
    case: str
    source: str
    raw: dict[str, Any]
    expected: dict[str, str] | None


class Unsupported(Exception):
    """desist cannot express this booking yet; the message says why."""


def examples() -> list[Example]:
    rows: list[Example] = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            expected = row["expected"]
            rows.append(
                Example(row["case"], row["source"], row["input"], expected["dates"] if expected else None)
            )
    return rows


def _duration(elements: dict[str, int]) -> Duration:
    return Duration(
        years=elements.get("YEARS", 0),
        months=elements.get("MONTHS", 0),
        weeks=elements.get("WEEKS", 0),
        days=elements.get("DAYS", 0),
    )


def _sentence(raw: dict[str, Any], booking_back: str | None = None) -> Sentence:
    # A sentence without a type is a standard one (``AbstractSentence.kt``: defaultImpl
    # StandardDeterminateSentence).
    kind_name = raw.get("type") or "StandardSentence"
    if kind_name in KIND_NAMES:
        raise Unsupported(KIND_NAMES[kind_name])
    recall = (raw.get("recall") or {}).get("recallType", "")
    recall = {
        "STANDARD_RECALL": "STANDARD",
        "FIXED_TERM_RECALL_14": "FTR_14",
        "FIXED_TERM_RECALL_28": "FTR_28",
        "FIXED_TERM_RECALL_56": "FTR_56",
    }.get(recall, recall)
    back = (raw.get("recall") or {}).get("returnToCustodyDate")
    # A 14- or 28-day fixed-term recall returns on the booking's date (the prison's fixed-term recall details,
    # ``Booking.returnToCustodyDate``) where the booking records one; a 56-day recall on its own recall's
    # date.
    if booking_back and recall in ("FTR_14", "FTR_28"):
        back = booking_back
    arrangements = raw.get("releaseArrangements") or {}
    kind = KINDS[kind_name]
    if kind in (SentenceKind.STANDARD, SentenceKind.FINE_DEFAULT, SentenceKind.DTO, SentenceKind.BOTUS):
        length = _duration(raw["duration"]["durationElements"])
        extension = None
    else:
        length = _duration(raw["custodialDuration"]["durationElements"])
        extension = _duration(raw["extensionDuration"]["durationElements"])
    committed = (raw.get("offence") or {}).get("committedAt")
    follows = raw.get("consecutiveSentenceUUIDs") or []
    if len(follows) > 1:
        raise Unsupported("a sentence consecutive to two others")
    return Sentence(
        kind=kind,
        sentenced_on=date.fromisoformat(raw["sentencedAt"]),
        length=length,
        offence_on=date.fromisoformat(committed) if committed else None,
        extension=extension,
        sds_plus=bool(arrangements.get("isSDSPlus")),
        sds_plus_eligible=bool(arrangements.get("isSDSPlusEligibleSentenceTypeLengthAndOffence")),
        exclusions=frozenset(arrangements.get("sdsEarlyReleaseExclusions") or ()),
        automatic_release=bool(raw.get("automaticRelease")),
        section_250=bool(arrangements.get("isSection250")),
        fine_amount=int(raw["fineAmount"]) if raw.get("fineAmount") is not None else None,
        top_up_ends=date.fromisoformat(raw["latestTusedDate"]) if raw.get("latestTusedDate") else None,
        under_18_sopc=bool(raw.get("sdopcu18")),
        identifier=str(raw.get("identifier") or ""),
        consecutive_to=str(follows[0]) if follows else "",
        recall=recall,
        returned_to_custody=date.fromisoformat(back) if back else None,
        offence_code=str((raw.get("offence") or {}).get("offenceCode") or ""),
    )


def to_engine(example: Example) -> tuple[Booking, Legislation]:
    """The booking as desist's engine input, or :class:`Unsupported` with the reason."""
    raw = example.raw
    if example.expected is None and not refusal(example):
        raise Unsupported("no expected dates")
    params = raw.get("params")
    if params not in PROFILES:
        raise Unsupported(f"legislation profile {params}")
    toggles = sorted(k for k, v in (raw.get("featureToggles") or {}).items() if v)
    other = [t for t in toggles if t not in LAW_TOGGLES | HARMLESS_TOGGLES]
    if other:
        raise Unsupported(f"feature toggles {', '.join(other)}")
    legislation = PROFILES[params]
    if "applyPostRecallRepealRules" in toggles:
        legislation = dataclasses.replace(legislation, top_up_supervision=False)
    if "applyPostHdcedRepealRules" in toggles:
        hdc = dataclasses.replace(legislation.hdc, adult_stop_from=HDC_ADULT_CLEAN_STOP)
        legislation = dataclasses.replace(legislation, hdc=hdc)
    if "adultHdcSuspended" in toggles:
        hdc = dataclasses.replace(legislation.hdc, adult_suspended=True)
        legislation = dataclasses.replace(legislation, hdc=hdc)
    booking = raw["booking"]
    for key, reason in (("historicalTusedData", "historical top-up supervision"),):
        if booking.get(key):
            raise Unsupported(reason)
    sentences = [_sentence(s, booking.get("returnToCustodyDate")) for s in booking["sentences"]]
    adjustments: list[Adjustments] = []
    for name, entries in (booking.get("adjustments") or {}).items():
        if not entries:
            continue
        if name not in ADJUSTMENTS:
            raise Unsupported(f"adjustment {name}")
        for entry in entries:
            applies, starts = entry.get("appliesToSentencesFrom"), entry.get("fromDate")
            ends = entry.get("toDate")
            info = entry.get("additionalInfo")
            adjustments.append(
                Adjustments(
                    **{ADJUSTMENTS[name]: int(entry.get("numberOfDays") or 0)},
                    applies_from=date.fromisoformat(applies) if applies else None,
                    starts=date.fromisoformat(starts) if starts and name == "UNLAWFULLY_AT_LARGE" else None,
                    period=(date.fromisoformat(starts), date.fromisoformat(ends))
                    if starts and ends
                    else None,
                    reason=str(info.get("reason") or "") if isinstance(info, dict) else "",
                )
            )
    offender = booking.get("offender") or {}
    return (
        Booking(
            date_of_birth=date.fromisoformat(offender["dateOfBirth"]),
            sentences=tuple(sentences),
            adjustments=tuple(adjustments),
            sex_offender=bool(offender.get("isActiveSexOffender")),
            early_removal=bool((raw.get("userInputs") or {}).get("calculateErsed")),
            movements=tuple(
                Movement(date.fromisoformat(m["movementDate"]), m["direction"], m.get("movementReason") or "")
                for m in booking.get("externalMovements") or ()
            ),
            bank_holidays=CALCULATOR_TEST_BANK_HOLIDAYS,
        ),
        legislation,
    )


def refusal(example: Example) -> str:
    """The validation error the calculator refuses the booking with, if it does."""
    return str(example.raw.get("expectedValidationException") or example.raw.get("error") or "")


def outcome(example: Example) -> str:
    """``exact``, ``differs: …`` (the dates that differ) or ``unsupported: …`` (why).

    Where the calculator refuses the booking, ``exact`` means desist refuses it too (a manual calculation)."""
    try:
        booking, legislation = to_engine(example)
    except Unsupported as why:
        refused = refusal(example)
        return f"unsupported: {why}" + (f" (the calculator refuses it: {refused})" if refused else "")
    result = calculate(booking, legislation)
    if refusal(example):
        if isinstance(result, Calculation):
            return f"differs: dates where the calculator refuses it ({refusal(example)})"
        return "exact"
    if not isinstance(result, Calculation):
        return f"unsupported: manual calculation, {result.reason}"
    assert example.expected is not None
    expected = {
        DateType(k): date.fromisoformat(v.strip())
        for k, v in example.expected.items()
        if k in DateType.__members__
    }
    unknown = sorted(k for k in example.expected if k not in DateType.__members__)
    got = result.dates
    wrong = []
    for date_type in sorted(set(expected) | set(got)):
        want, have = expected.get(date_type), got.get(date_type)
        if want != have:
            wrong.append(f"{date_type} {have or 'none'} for {want or 'none'}")
    wrong += [f"{k} not worked out" for k in unknown]
    return "differs: " + "; ".join(wrong) if wrong else "exact"


def outcomes() -> dict[str, str]:
    return {e.case: outcome(e) for e in examples()}


def summary(results: dict[str, str]) -> str:
    by_category: dict[str, Counter[str]] = {}
    for case, status in results.items():
        by_category.setdefault(case.split("/")[0], Counter())[status.split(":")[0]] += 1
    lines = ["| category | bookings | exact | differ | not supported |", "|---|---|---|---|---|"]
    total: Counter[str] = Counter()
    for category in sorted(by_category):
        c = by_category[category]
        total.update(c)
        lines.append(
            f"| {category} | {sum(c.values())} | {c['exact']} | {c['differs']} | {c['unsupported']} |"
        )
    lines.append(
        f"| **all** | {sum(total.values())} | {total['exact']} | {total['differs']} | "
        f"{total['unsupported']} |"
    )
    reasons = Counter(s.split(":", 1)[1].strip() for s in results.values() if s.startswith("unsupported"))
    lines += ["", "Not supported yet, by reason:", ""]
    lines += [f"- {reason}: {n}" for reason, n in reasons.most_common()]
    return "\n".join(lines)


if __name__ == "__main__":
    results = outcomes()
    if "--write" in sys.argv:
        EXPECTATIONS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(summary(results))
