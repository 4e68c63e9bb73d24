"""The form an assessment is recorded through, on the page and (fed from JSON) in the API, so both give
the same messages. Every part may be left blank: an assessment may be partial, and the scores then say
what is missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from desist import risk
from desist.assessments.models import DcsrpBand, RoshLevel
from desist.core.risk.needs import SECTION_NUMBERS, SECTION_QUESTIONS
from desist.core.risk.ogp import ITEMS as OGP_ITEMS
from desist.core.risk.ovp import ITEMS as OVP_ITEMS

ROSH_AUDIENCES: dict[str, str] = {
    "public": "the public",
    "known_adult": "a known adult",
    "children": "children",
    "staff": "staff",
}
# RULES.md gives need thresholds for eight sections; finance (5) and emotional well-being (10) are scored but
# not graded. Their questions follow OASys's subjects, in our words (no published list to take them from).
QUESTIONS: dict[str, tuple[str, ...]] = {
    **SECTION_QUESTIONS,
    "finance": (
        "financial situation a problem",
        "reliance on others for money",
        "manages money",
        "illegal earnings a source of income",
    ),
    "emotional_wellbeing": (
        "difficulties coping",
        "current psychological problems",
        "social isolation",
        "self-harm, attempted suicide or suicidal thoughts",
        "current psychiatric problems",
    ),
}
QUESTION_CHOICES = [("", "Not answered"), ("0", "0"), ("1", "1"), ("2", "2")]
YES_NO_CHOICES = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]

# The items the predictors read from an assessment (OGP, OVP) and the women's factors for the tier
# (RULES.md §2, §3a), in the order the page asks them. True/False items are yes/no; the others are 0–2.
OVP_ASSESSMENT_ITEMS: tuple[str, ...] = (
    "recognises_impact",
    "no_fixed_abode",
    "unemployed",
    "alcohol_current_use",
    "alcohol_binge",
    "psychiatric_treatment",
    "temper_control",
    "pro_criminal_attitudes",
)
WOMEN_ITEMS: dict[str, str] = {
    "parenting_responsibilities": "parenting responsibilities (OASys 6.9): yes or no",
    "impulsivity": "impulsivity (OASys 11.2): 0 no problems, 1 some, 2 significant",
    "temper_control": OVP_ITEMS["temper_control"],
    "breach_or_recall": "a previous breach or recall: yes or no",
}
# Items OGP and OVP share are asked once, in OGP's words (they name the OASys question).
ITEM_TEXT: dict[str, str] = {k: v for k, v in OGP_ITEMS.items() if k != "ogrs3_two_year"}
for _name in OVP_ASSESSMENT_ITEMS:
    ITEM_TEXT.setdefault(_name, OVP_ITEMS[_name])
for _name, _text_of_item in WOMEN_ITEMS.items():
    ITEM_TEXT.setdefault(_name, _text_of_item)
FLAG_ITEMS = frozenset(
    name for name, text in ITEM_TEXT.items() if "True/False" in text or "yes or no" in text
)


def _item_label(text: str) -> tuple[str, str]:
    """ "unemployed (OASys 4.2): True/False" → ("Unemployed (OASys 4.2)", ""); graded items keep their scale
    as a hint."""
    label, _, scale = text.partition(": ")
    label = label[0].upper() + label[1:]
    return label, "" if ("True/False" in scale or "yes or no" in scale) else scale


def _percent_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        required=False,
        label=label,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "invalid": f"{label} must be a number, like 3.45",
            "min_value": f"{label} must be between 0 and 100",
            "max_value": f"{label} must be between 0 and 100",
            "max_digits": f"{label} must be between 0 and 100",
            "max_decimal_places": f"{label} must have no more than 2 decimal places",
            "max_whole_digits": f"{label} must be between 0 and 100",
        },
    )


class AssessmentDateField(forms.MultiValueField):
    """A GOV.UK date input: day, month and year boxes, each message naming what is wrong."""

    widget = forms.MultiWidget(
        widgets={"day": forms.TextInput(), "month": forms.TextInput(), "year": forms.TextInput()}
    )

    def __init__(self, **kwargs: Any) -> None:
        part = forms.CharField(required=False)
        super().__init__(fields=(part, part, part), require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list: Sequence[str]) -> date | None:
        day, month, year = ((value or "").strip() for value in [*data_list, "", "", ""][:3])
        if not (day or month or year):
            raise forms.ValidationError("Enter the date of the assessment", code="required")
        absent = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
        if absent:
            raise forms.ValidationError(
                f"Date of the assessment must include a {' and '.join(absent)}", code="incomplete"
            )
        try:
            when = date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(
                "Date of the assessment must be a real date, like 27 3 2025", code="invalid"
            ) from None
        if when > timezone.localdate():
            raise forms.ValidationError("Date of the assessment must be today or in the past", code="future")
        if when.year < 1990:
            raise forms.ValidationError("Date of the assessment must be after 1990", code="too_early")
        return when

    def clean(self, value: Any) -> date | None:
        # MultiValueField skips compress() for an all-blank value when not required; the date always is.
        return self.compress(value if isinstance(value, list | tuple) else [])


@dataclass(frozen=True)
class Question:
    """One field as the page asks it: "percent" (a text box with %) or "radios", with an optional hint."""

    field: forms.BoundField
    kind: str = "radios"
    hint: str = ""


@dataclass(frozen=True)
class Group:
    """One part of the page: a heading, a hint, and its questions."""

    key: str
    title: str
    hint: str
    questions: list[Question]


class AssessmentForm(forms.Form):
    """An assessment as desist records it: RoSH per audience, received predictors, section question scores
    and the predictors' items. Nothing is required but the date and at least one finding."""

    assessed_on = AssessmentDateField(label="Date of the assessment")
    rsr_percent = _percent_field("RSR")
    arp_percent = _percent_field("ARP")
    csrp_percent = _percent_field("CSRP")
    dcsrp_band = forms.ChoiceField(
        required=False,
        label="Direct-contact sexual reoffending band",
        choices=[("", "Not applicable"), *DcsrpBand.choices],
        error_messages={"invalid_choice": "Select a band from the list"},
    )
    dcsrp_score = _percent_field("Direct-contact sexual reoffending score")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for audience, words in ROSH_AUDIENCES.items():
            self.fields[f"rosh_{audience}"] = forms.ChoiceField(
                required=False,
                label=f"Risk of serious harm to {words}",
                choices=[("", "Not assessed"), *RoshLevel.choices],
                error_messages={
                    "invalid_choice": f"Choose the risk of serious harm to {words}: low, medium, high "
                    "or very high, or not assessed"
                },
            )
        for section in risk.SECTION_KEYS:
            for number, question in enumerate(QUESTIONS[section], start=1):
                label = f"{SECTION_NUMBERS[section]}.{number} {question[0].upper()}{question[1:]}"
                self.fields[f"{section}_{number}"] = forms.ChoiceField(
                    required=False,
                    label=label,
                    choices=QUESTION_CHOICES,
                    error_messages={"invalid_choice": f"{label}: select 0, 1 or 2"},
                )
        for item, text in ITEM_TEXT.items():
            label, _ = _item_label(text)
            self.fields[f"item_{item}"] = forms.ChoiceField(
                required=False,
                label=label,
                choices=YES_NO_CHOICES if item in FLAG_ITEMS else QUESTION_CHOICES,
                error_messages={
                    "invalid_choice": f"{label}: select {'yes or no' if item in FLAG_ITEMS else '0, 1 or 2'}"
                },
            )

    # --- for the page ---------------------------------------------------------------------------------

    def groups(self) -> list[Group]:
        """The page's parts, in the order OASys asks them."""
        groups = [
            Group(
                "rosh",
                "Risk of serious harm",
                "The level to each audience, as the assessment found it.",
                [Question(self[f"rosh_{audience}"]) for audience in ROSH_AUDIENCES],
            ),
            Group(
                "predictors",
                "Predictor scores received",
                "Scores from OASys or the assessment tool that desist cannot work out itself. Leave blank "
                "what you do not have.",
                [
                    Question(self["rsr_percent"], "percent", "Risk of serious recidivism"),
                    Question(self["arp_percent"], "percent", "All-reoffending predictor"),
                    Question(self["csrp_percent"], "percent", "Combined serious reoffending predictor"),
                    Question(self["dcsrp_band"]),
                    Question(self["dcsrp_score"], "percent", "Needed when the band is medium"),
                ],
            ),
        ]
        for section in risk.SECTION_KEYS:
            graded = "" if section in risk.THRESHOLDS else " Scored, but no need level is published for it."
            groups.append(
                Group(
                    section,
                    f"{SECTION_NUMBERS[section]}. {risk.SECTION_NAMES[section]}",
                    "0 no problems, 1 some problems, 2 significant problems. "
                    "Leave the section blank if it was not assessed." + graded,
                    [Question(self[f"{section}_{n}"]) for n in range(1, len(QUESTIONS[section]) + 1)],
                )
            )
        groups.append(
            Group(
                "items",
                "Answers for OGP, OVP and the women's factors",
                "The items the predictors and the tier read. Leave blank what was not asked.",
                [
                    Question(self[f"item_{item}"], hint=_item_label(text)[1])
                    for item, text in ITEM_TEXT.items()
                ],
            )
        )
        return groups

    # --- checks that span fields ----------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns (typed by Django as possibly None)
        band, score = data.get("dcsrp_band"), data.get("dcsrp_score")
        if band == DcsrpBand.MEDIUM and score is None and "dcsrp_score" not in self.errors:
            self.add_error(
                "dcsrp_score", "Enter the direct-contact sexual reoffending score: the band is medium"
            )
        if score is not None and not band and "dcsrp_band" not in self.errors:
            self.add_error(
                "dcsrp_band", "Select the direct-contact sexual reoffending band that goes with the score"
            )
        findings = [name for name, value in data.items() if name != "assessed_on" and value not in ("", None)]
        if not findings and not self.errors:
            raise forms.ValidationError(
                "Enter at least one finding: a risk of serious harm, a score, a section or an answer",
                code="empty",
            )
        return data

    # --- what the service is given --------------------------------------------------------------------

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for services.assessment_record, from valid data."""
        data = self.cleaned_data
        sections: dict[str, list[int | None]] = {}
        for section in risk.SECTION_KEYS:
            scores = [
                None if data[f"{section}_{n}"] == "" else int(data[f"{section}_{n}"])
                for n in range(1, len(QUESTIONS[section]) + 1)
            ]
            if any(score is not None for score in scores):
                sections[section] = scores
        answers: dict[str, Any] = {}
        for item in ITEM_TEXT:
            value = data[f"item_{item}"]
            if value != "":
                answers[item] = value == "yes" if item in FLAG_ITEMS else int(value)
        return {
            "assessed_on": data["assessed_on"],
            "rosh": {
                audience: data[f"rosh_{audience}"] for audience in ROSH_AUDIENCES if data[f"rosh_{audience}"]
            },
            "rsr_percent": data["rsr_percent"],
            "arp_percent": data["arp_percent"],
            "csrp_percent": data["csrp_percent"],
            "dcsrp_band": data["dcsrp_band"],
            "dcsrp_score": data["dcsrp_score"],
            "sections": sections,
            "answers": answers,
        }


# --- the same form fed from the API's JSON ----------------------------------------------------------------

TOP_LEVEL_KEYS = (
    "assessed_on",
    "rosh",
    "rsr_percent",
    "arp_percent",
    "csrp_percent",
    "dcsrp_band",
    "dcsrp_score",
    "sections",
    "answers",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def form_data_from_json(body: Any) -> tuple[dict[str, str], list[tuple[list[str | int], str]]]:
    """The form's data from an API body, and the problems that are about the JSON's shape (unknown keys,
    too many answers), each with the path of the value it is about."""
    problems: list[tuple[list[str | int], str]] = []
    if not isinstance(body, dict):
        return {}, [([], "The body must be a JSON object")]
    data: dict[str, str] = {}
    for key in body:
        if key not in TOP_LEVEL_KEYS:
            problems.append(([key], f"Unknown field: use {', '.join(TOP_LEVEL_KEYS)}"))
    when = body.get("assessed_on")
    if when not in (None, ""):
        try:
            parsed = date.fromisoformat(str(when))
            data.update(
                assessed_on_day=str(parsed.day),
                assessed_on_month=str(parsed.month),
                assessed_on_year=str(parsed.year),
            )
        except ValueError:
            problems.append((["assessed_on"], "Date of the assessment must be a real date, like 2025-03-27"))
    for name in ("rsr_percent", "arp_percent", "csrp_percent", "dcsrp_band", "dcsrp_score"):
        data[name] = _text(body.get(name))

    def mapping(key: str) -> dict[str, Any]:
        value = body.get(key) or {}
        if not isinstance(value, dict):
            problems.append(([key], f"{key} must be an object"))
            return {}
        return value

    for audience, level in mapping("rosh").items():
        if audience not in ROSH_AUDIENCES:
            problems.append((["rosh", audience], f"Unknown audience: use {', '.join(ROSH_AUDIENCES)}"))
        else:
            data[f"rosh_{audience}"] = _text(level)
    for section, scores in mapping("sections").items():
        if section not in QUESTIONS:
            problems.append(
                (["sections", section], f"Unknown OASys section: use {', '.join(risk.SECTION_KEYS)}")
            )
            continue
        asked = len(QUESTIONS[section])
        if not isinstance(scores, list) or len(scores) > asked:
            problems.append(
                (
                    ["sections", section],
                    f"Give a list of up to {asked} question scores (0, 1, 2 or null for not answered)",
                )
            )
            continue
        for number, score in enumerate(scores, start=1):
            # A bool is not a score, though Python would read True as 1.
            data[f"{section}_{number}"] = (
                "true" if score is True else "false" if score is False else _text(score)
            )
    for item, value in mapping("answers").items():
        if item not in ITEM_TEXT:
            problems.append((["answers", item], f"Unknown item: use {', '.join(ITEM_TEXT)}"))
        elif item in FLAG_ITEMS:
            data[f"item_{item}"] = _text(value) if isinstance(value, bool) or value is None else f"{value!r}"
        else:
            data[f"item_{item}"] = "true" if value is True else "false" if value is False else _text(value)
    return data, problems


def json_path(field: str) -> list[str | int]:
    """Where a form field's value sits in the API's JSON body."""
    if field == "__all__":
        return []
    if field.startswith("rosh_"):
        return ["rosh", field.removeprefix("rosh_")]
    if field.startswith("item_"):
        return ["answers", field.removeprefix("item_")]
    section, _, number = field.rpartition("_")
    if section in QUESTIONS and number.isdigit():
        return ["sections", section, int(number) - 1]
    return [field]
