"""The linkage model: what desist compares, how it blocks, and training without labels (Splink 5).

Fellegi–Sunter: every pair of records gets a match weight, the sum over the comparisons (names, date
of birth, sex, address, each identifier) of log2(m/u) for the level the pair falls in, plus the prior.
u (how often two different people agree that way) comes from random pairs; m (how often the same
person's records do) from expectation maximisation on pairs that share a date of birth, then on pairs
that share a name. No labelled pairs are needed.

The trained model is Splink's JSON settings with desist's metadata (version, profile, when and on how
many records it was trained). The version is a content hash of the trained settings, so the same
model always has the same version and any retraining that changes a parameter gets a new one.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from .backends import Engine, check_engine, database_api, release, table_name
from .fields import IDENTIFIER_KINDS
from .records import prepare_records

# "full" is desist's model; "name_dob" is a plain Splink setup on names and date of birth only,
# kept to measure what the rest of desist's model adds (docs/benchmarks.md).
Profile = Literal["full", "name_dob"]
PROFILES: tuple[Profile, ...] = ("full", "name_dob")

MODEL_FORMAT = 1
DEFAULT_PRIOR = 1e-4  # Splink's own default chance that two random records match
UNIQUE_ID = "unique_id"

# Training samples: enough pairs for stable estimates, bounded so training stays quick at 1M records.
U_MAX_PAIRS = 2e6
EM_MAX_PAIRS = 1e6
EM_ITERATIONS = (20, 8, 3)
# Share of true matches the deterministic rules (an identifier, or name and date of birth exactly)
# are taken to find when estimating how likely two random records are to match.
DETERMINISTIC_RECALL = 0.8

# No level's m below this (see regularise); u likewise, so no weight is infinite.
M_FLOOR = 1e-3
UNTRAINED_PROBABILITY = 1e-6
# A field held by fewer records than this share (or by fewer than two) is left out of the model and of
# blocking, with a note: nothing can be learnt from it, and a block on it would compare nothing.
MIN_FIELD_SHARE = 0.01
# The cap on comparisons one run scores: beyond it the blocking keys with most pairs are dropped (noted).
MAX_COMPARISONS_PER_RECORD = 2_000
MIN_COMPARISON_CAP = 5_000_000
# Below this many records EM is not run (too few pairs of one person to learn from); each level's m
# starts from PRIOR_M and the notes say so. u is still measured, on every pair.
MIN_EM_RECORDS = 500
# The starting m of a comparison's levels, before EM: most of one person's pairs agree exactly, few
# disagree outright, the rest share the partial levels. Kept only where the data cannot inform a level.
PRIOR_M_EXACT = 0.8
PRIOR_M_DIFFERENT = 0.05
# A level no training pair fell in borrows the parameters of this level of the same comparison.
UNTRAINED_LIKE = {("date_of_birth", "Matches another date of birth"): "Day and month swapped"}


class ModelError(ValueError):
    """A model file that cannot be used; the message says why."""


def _levels() -> Any:
    import splink.comparison_level_library as cll

    return cll


def _disagreement(label: str) -> Any:
    """The ELSE level: estimated like the others (regularise floors an m that EM drives to zero)."""
    return _levels().ElseLevel().configure(label_for_charts=label)


def _first_name_comparison() -> Any:
    import splink.comparison_library as cl

    cll = _levels()
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="First name, with nicknames, typos, middle names and aliases",
        comparison_levels=[
            cll.NullLevel("first_name").configure(label_for_charts="Missing"),
            cll.ExactMatchLevel("first_name").configure(label_for_charts="Exact match"),
            cll.CustomLevel(
                "array_contains(first_name_nicknames_l, first_name_r) "
                "OR array_contains(first_name_nicknames_r, first_name_l)",
                label_for_charts="Nickname",
                base_dialect_str="duckdb",
            ),
            cll.JaroWinklerLevel("first_name", 0.92).configure(label_for_charts="Very similar (a typo)"),
            cll.ArrayIntersectLevel("given_names", 1).configure(
                label_for_charts="Matches a middle name or alias"
            ),
            cll.ColumnsReversedLevel("first_name", "last_name").configure(
                label_for_charts="Swapped with last name"
            ),
            cll.JaroWinklerLevel("first_name", 0.8).configure(label_for_charts="Similar"),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )


def _last_name_comparison() -> Any:
    import splink.comparison_library as cl

    cll = _levels()
    return cl.CustomComparison(
        output_column_name="last_name",
        comparison_description="Last name, with typos, sound-alikes and aliases",
        comparison_levels=[
            cll.NullLevel("last_name").configure(label_for_charts="Missing"),
            cll.ExactMatchLevel("last_name").configure(label_for_charts="Exact match"),
            cll.JaroWinklerLevel("last_name", 0.92).configure(label_for_charts="Very similar (a typo)"),
            cll.ArrayIntersectLevel("last_names", 1).configure(label_for_charts="Matches an alias"),
            cll.ColumnsReversedLevel("last_name", "first_name").configure(
                label_for_charts="Swapped with first name"
            ),
            cll.ExactMatchLevel("last_name_metaphone").configure(label_for_charts="Sounds alike"),
            cll.JaroWinklerLevel("last_name", 0.8).configure(label_for_charts="Similar"),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )


def _dob_comparison() -> Any:
    import splink.comparison_library as cl

    cll = _levels()
    year, month, day = (cll.ExactMatchLevel(c) for c in ("dob_year", "dob_month", "dob_day"))
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth, with day and month swapped and one part wrong",
        comparison_levels=[
            cll.NullLevel("dob").configure(label_for_charts="Missing"),
            cll.ExactMatchLevel("dob").configure(label_for_charts="Exact match"),
            cll.ArrayIntersectLevel("dobs", 1).configure(label_for_charts="Matches another date of birth"),
            cll.And(year, cll.ColumnsReversedLevel("dob_month", "dob_day", symmetrical=True)).configure(
                label_for_charts="Day and month swapped"
            ),
            cll.Or(cll.And(year, month), cll.And(year, day), cll.And(month, day)).configure(
                label_for_charts="One of day, month and year differs"
            ),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )


def _sex_comparison() -> Any:
    import splink.comparison_library as cl

    cll = _levels()
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.NullLevel("sex").configure(label_for_charts="Missing"),
            cll.ExactMatchLevel("sex").configure(label_for_charts="Same"),
            _disagreement("Different"),
        ],
    )


def _address_comparison() -> Any:
    import splink.comparison_library as cl

    cll = _levels()
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="Street, postcode and town",
        comparison_levels=[
            cll.And(cll.NullLevel("postcode"), cll.NullLevel("street"), cll.NullLevel("locality")).configure(
                label_for_charts="Missing"
            ),
            cll.And(cll.ExactMatchLevel("postcode"), cll.ExactMatchLevel("street")).configure(
                label_for_charts="Same address"
            ),
            cll.ExactMatchLevel("street").configure(label_for_charts="Same street address"),
            cll.JaroWinklerLevel("street", 0.92).configure(label_for_charts="Street very similar (a typo)"),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"),
            cll.DamerauLevenshteinLevel("postcode", 1).configure(
                label_for_charts="Postcode one character different"
            ),
            cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="Same postcode sector"),
            cll.ExactMatchLevel("postcode_district").configure(label_for_charts="Same postcode district"),
            cll.ExactMatchLevel("locality").configure(label_for_charts="Same town or locality"),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )


def _identifier_comparison(kind: str) -> Any:
    import splink.comparison_library as cl

    cll = _levels()
    return cl.CustomComparison(
        output_column_name=kind,
        comparison_levels=[
            cll.NullLevel(kind).configure(label_for_charts="Missing"),
            cll.ExactMatchLevel(kind).configure(label_for_charts="Exact match"),
            cll.DamerauLevenshteinLevel(kind, 1).configure(label_for_charts="One character different"),
            _disagreement("Different"),
        ],
    )


def _local_ids_comparison() -> Any:
    import splink.comparison_library as cl

    cll = _levels()
    return cl.CustomComparison(
        output_column_name="local_ids",
        comparison_levels=[
            cll.NullLevel("local_id").configure(label_for_charts="Missing"),
            cll.ArrayIntersectLevel("local_ids", 1).configure(label_for_charts="Shares a local id"),
            cll.DamerauLevenshteinLevel("local_id", 1).configure(label_for_charts="One character different"),
            _disagreement("Different"),
        ],
    )


def _text_comparison(name: str, description: str) -> Any:
    """A free-text field (locality, second address line, region, country): same, a typo, or not."""
    import splink.comparison_library as cl

    cll = _levels()
    return cl.CustomComparison(
        output_column_name=name,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(name).configure(label_for_charts="Missing"),
            cll.ExactMatchLevel(name).configure(label_for_charts="Exact match"),
            cll.JaroWinklerLevel(name, 0.9).configure(label_for_charts="Very similar (a typo)"),
            _disagreement("Different"),
        ],
    )


def _email_comparison() -> Any:
    import splink.comparison_library as cl

    cll = _levels()
    return cl.CustomComparison(
        output_column_name="email",
        comparison_description="E-mail address",
        comparison_levels=[
            cll.NullLevel("email").configure(label_for_charts="Missing"),
            cll.ExactMatchLevel("email").configure(label_for_charts="Exact match"),
            cll.ExactMatchLevel("email_user").configure(label_for_charts="Same name before the @"),
            cll.JaroWinklerLevel("email", 0.9).configure(label_for_charts="Very similar (a typo)"),
            _disagreement("Different"),
        ],
    )


def _telephone_comparison() -> Any:
    import splink.comparison_library as cl

    cll = _levels()
    return cl.CustomComparison(
        output_column_name="telephone",
        comparison_description="Telephone number",
        comparison_levels=[
            cll.NullLevel("telephone").configure(label_for_charts="Missing"),
            cll.ExactMatchLevel("telephone").configure(label_for_charts="Exact match"),
            cll.ExactMatchLevel("telephone_end").configure(label_for_charts="Same last 8 digits"),
            cll.DamerauLevenshteinLevel("telephone", 1).configure(label_for_charts="One digit different"),
            _disagreement("Different"),
        ],
    )


# The town is a level of the address (it says little once the postcode agrees: counting both would count
# one fact twice); the other parts are compared on their own.
TEXT_FIELDS = {
    "address_line_2": "Second address line",
    "region": "County, state or region",
    "country": "Country",
}
# Each comparison of the full model, in order, with the prepared columns that must hold values for it
# to be trained (any one of them).
COMPARISON_COLUMNS: dict[str, tuple[str, ...]] = {
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "date_of_birth": ("dob",),
    "sex": ("sex",),
    "address": ("street", "postcode", "locality"),
    **{name: (name,) for name in TEXT_FIELDS},
    "email": ("email",),
    "telephone": ("telephone",),
    **{kind: (kind,) for kind in IDENTIFIER_KINDS},
    "local_ids": ("local_id",),
}


def _comparison(name: str) -> Any:
    if name == "first_name":
        return _first_name_comparison()
    if name == "last_name":
        return _last_name_comparison()
    if name == "date_of_birth":
        return _dob_comparison()
    if name == "sex":
        return _sex_comparison()
    if name == "address":
        return _address_comparison()
    if name in TEXT_FIELDS:
        return _text_comparison(name, TEXT_FIELDS[name])
    if name == "email":
        return _email_comparison()
    if name == "telephone":
        return _telephone_comparison()
    if name == "local_ids":
        return _local_ids_comparison()
    return _identifier_comparison(name)


def _plain_comparisons() -> list[Any]:
    import splink.comparison_library as cl

    # Without term-frequency adjustments, like desist's own model, so the two differ only in what
    # they compare.
    return [
        # NameComparison's levels (exact, then Jaro-Winkler at 0.92, 0.88 and 0.7).
        cl.JaroWinklerAtThresholds("first_name", [0.92, 0.88, 0.7]),
        cl.JaroWinklerAtThresholds("last_name", [0.92, 0.88, 0.7]),
        cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
    ]


# Which pairs are compared at all: those that share at least one of these keys. Each is narrow (blocks
# stay small at a million records) and together they catch the faults the model forgives: an identifier,
# e-mail or telephone catches any spelling; date of birth with a name key catches typos and nicknames;
# name with year, postcode, street or locality catches a wrong or swapped date of birth.
NAME_AND_DATE_RULES: tuple[tuple[str, ...], ...] = (
    ("dob", "last_name_soundex"),
    ("dob", "first_name_metaphone"),
    ("first_name", "last_name", "dob_year"),
    ("names_sorted", "dob_year"),
    ("postcode", "last_name_soundex"),
    ("postcode", "first_name_metaphone", "dob_year"),
    ("dob", "postcode_district"),
    ("postcode", "street"),
    ("street", "last_name_soundex"),
    ("dob", "locality"),
    ("first_name_metaphone", "last_name_soundex", "locality"),
)
PLAIN_RULES: tuple[tuple[str, ...], ...] = (
    ("first_name", "last_name"),
    ("dob", "last_name_soundex"),
    ("dob", "first_name"),
)


def blocking_keys(
    profile: Profile, fields: tuple[str, ...], present: set[str] | None = None
) -> list[tuple[str, ...]]:
    """The blocking keys (column tuples) for a model comparing ``fields``, keeping only keys whose columns
    all hold values (``present``: the prepared columns that do; None keeps every key)."""
    if profile == "name_dob":
        return list(PLAIN_RULES)
    keys: list[tuple[str, ...]] = [(kind,) for kind in fields if kind in IDENTIFIER_KINDS]
    keys += [
        (column,)
        for name, column in (("local_ids", "local_id"), ("email", "email"), ("telephone", "telephone"))
        if name in fields
    ]
    keys += NAME_AND_DATE_RULES
    return [key for key in keys if present is None or all(column in present for column in key)]


def comparisons_by_key(prepared: pa.Table, key: tuple[str, ...]) -> int:
    """How many pairs of records share the key (every column of it, none empty)."""
    rows = prepared.select(list(key)).drop_null()
    if rows.num_rows < 2:
        return 0
    sizes = rows.group_by(list(key)).aggregate([([], "count_all")]).column("count_all").to_numpy()
    return int((sizes.astype("int64") * (sizes.astype("int64") - 1) // 2).sum())


def capped_blocking_keys(
    prepared: pa.Table, keys: list[tuple[str, ...]], cap: int | None = None
) -> tuple[list[tuple[str, ...]], list[str]]:
    """The keys whose pairs together stay within ``cap`` comparisons (default: MAX_COMPARISONS_PER_RECORD
    per record, at least MIN_COMPARISON_CAP), dropping the keys with most pairs first; a note for each
    key dropped. A key whose columns no record holds is dropped silently (it compares nothing)."""
    limit = (
        cap if cap is not None else max(MIN_COMPARISON_CAP, MAX_COMPARISONS_PER_RECORD * prepared.num_rows)
    )
    counts = {
        key: comparisons_by_key(prepared, key) for key in keys if all(c in prepared.column_names for c in key)
    }
    kept = [key for key in keys if counts.get(key)]
    notes: list[str] = []
    while kept and sum(counts[key] for key in kept) > limit:
        widest = max(kept, key=lambda key: counts[key])
        kept.remove(widest)
        notes.append(
            f"blocking on {' + '.join(widest)} would compare {counts[widest]:,} pairs: left out "
            f"(the cap is {limit:,} comparisons)"
        )
    # Splink compares every pair when given no rule: a key no two records share compares none.
    return kept or [("source", "record_id")], notes


def prediction_blocking_rules(profile: Profile, keys: list[tuple[str, ...]]) -> list[Any]:
    """Splink blocking rules for the keys (see blocking_keys)."""
    from splink import block_on

    return [block_on(*key) for key in keys]


def _settings(profile: Profile, fields: tuple[str, ...], keys: list[tuple[str, ...]]) -> Any:
    from splink import SettingsCreator

    comparisons = _plain_comparisons() if profile == "name_dob" else [_comparison(name) for name in fields]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=UNIQUE_ID,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=prediction_blocking_rules(profile, keys),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=20,
    )


def present_columns(prepared: pa.Table, *, share: float = MIN_FIELD_SHARE) -> set[str]:
    """The prepared columns held by at least ``share`` of the records (and by two or more)."""
    needed = max(2, int(share * prepared.num_rows))
    return {
        name
        for name in prepared.column_names
        if prepared.num_rows - prepared.column(name).null_count >= needed
    }


def model_fields(prepared: pa.Table, profile: Profile = "full") -> tuple[tuple[str, ...], list[str]]:
    """The comparisons the records can train, and a note for each field left out because it is (nearly)
    empty."""
    if profile == "name_dob":
        return ("first_name", "last_name", "date_of_birth"), []
    present = present_columns(prepared)
    fields: list[str] = []
    notes: list[str] = []
    for name, columns in COMPARISON_COLUMNS.items():
        held = max(prepared.num_rows - prepared.column(c).null_count for c in columns)
        if any(c in present for c in columns):
            fields.append(name)
        elif held:
            notes.append(
                f"{name} is held by only {held:,} of {prepared.num_rows:,} records: "
                "left out of the model and of blocking"
            )
    return tuple(fields), notes


@dataclass(frozen=True)
class LinkageModel:
    """A trained model: Splink's settings (with m and u) and desist's metadata. Immutable."""

    settings: dict[str, Any]
    profile: Profile = "full"
    trained_on: int = 0
    trained_at: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """A content hash of the trained settings: equal parameters, equal version."""
        canonical = json.dumps(self.settings, sort_keys=True, separators=(",", ":"), default=str)
        return f"{self.profile}-{hashlib.sha256(canonical.encode()).hexdigest()[:12]}"

    def blocking_keys(self) -> list[tuple[str, ...]]:
        """The blocking keys chosen when the model was trained (see blocking_keys)."""
        fields = tuple(self.metadata.get("fields", ()))
        return [tuple(key) for key in self.metadata.get("blocking", blocking_keys(self.profile, fields))]

    def splink_settings(
        self, engine: Engine = "duckdb", *, blocking: list[tuple[str, ...]] | None = None
    ) -> dict[str, Any]:
        """Splink settings for the engine, with this model's trained parameters (and ``blocking`` keys
        instead of the model's own, if given).

        The comparisons' SQL is written afresh in the engine's dialect (a model trained on DuckDB runs
        on Spark) and the trained m, u and prior are copied across level by level.
        """
        if "fields" not in self.metadata:
            raise ModelError("the model was trained by an earlier version of desist: retrain it")
        fields = tuple(self.metadata["fields"])
        creator = _settings(self.profile, fields, self.blocking_keys() if blocking is None else blocking)
        fresh: dict[str, Any] = creator.create_settings_dict(check_engine(engine))
        fresh["probability_two_random_records_match"] = self.settings["probability_two_random_records_match"]
        trained = {c["output_column_name"]: c for c in self.settings.get("comparisons", [])}
        for comparison in fresh["comparisons"]:
            name = comparison["output_column_name"]
            old = trained.get(name)
            if old is None or len(old["comparison_levels"]) != len(comparison["comparison_levels"]):
                raise ModelError(
                    f"the model's {name!r} comparison does not match this version of desist: retrain it"
                )
            for level, old_level in zip(
                comparison["comparison_levels"], old["comparison_levels"], strict=True
            ):
                if level.get("label_for_charts") != old_level.get("label_for_charts"):
                    raise ModelError(
                        f"the model's {name!r} levels do not match this version of desist: retrain it"
                    )
                for key in ("m_probability", "u_probability"):
                    if key in old_level:
                        level[key] = old_level[key]
        return fresh

    def comparison_levels(self) -> dict[str, dict[int, tuple[str, float | None]]]:
        """For each comparison, each agreement level's label and match weight (log2 m/u; None if null)."""
        result: dict[str, dict[int, tuple[str, float | None]]] = {}
        for comparison in self.settings.get("comparisons", []):
            name = comparison["output_column_name"]
            levels: dict[int, tuple[str, float | None]] = {}
            count = sum(1 for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level"))
            for level in comparison["comparison_levels"]:
                label = level.get("label_for_charts") or level.get("sql_condition", "")
                if level.get("is_null_level"):
                    levels[-1] = (label, None)
                    continue
                count -= 1
                m, u = level.get("m_probability"), level.get("u_probability")
                weight = _log2(m / u) if m and u else None
                levels[count] = (label, weight)
            result[name] = levels
        return result

    def to_json(self) -> dict[str, Any]:
        """The model as one JSON object (what save writes)."""
        return {
            "desist_linkage_model": MODEL_FORMAT,
            "version": self.version,
            "profile": self.profile,
            "trained_on": self.trained_on,
            "trained_at": self.trained_at,
            "metadata": self.metadata,
            "splink_settings": self.settings,
        }

    def save(self, path: str | Path) -> Path:
        """Write the model as JSON; returns the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(self.to_json(), indent=2, sort_keys=True, default=str) + "\n")
        return target

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinkageModel:
        """A model from what to_json returned; raises ModelError for anything else."""
        if not isinstance(data, dict) or data.get("desist_linkage_model") != MODEL_FORMAT:
            raise ModelError("this is not a desist linkage model (format 1)")
        profile = data.get("profile", "full")
        if profile not in PROFILES:
            raise ModelError(f"unknown model profile {profile!r}")
        model = cls(
            settings=data["splink_settings"],
            profile=profile,
            trained_on=int(data.get("trained_on", 0)),
            trained_at=str(data.get("trained_at", "")),
            metadata=dict(data.get("metadata", {})),
        )
        if data.get("version") and data["version"] != model.version:
            raise ModelError(
                f"the model's parameters do not match its version {data['version']} (edited by hand?)"
            )
        return model

    @classmethod
    def load(cls, path: str | Path) -> LinkageModel:
        """Read a model saved with save."""
        source = Path(path)
        try:
            data = json.loads(source.read_text())
        except FileNotFoundError as exc:
            raise ModelError(f"{source}: no such model file") from exc
        except json.JSONDecodeError as exc:
            raise ModelError(f"{source}: not JSON ({exc})") from exc
        return cls.from_json(data)


def _log2(value: float) -> float:
    import math

    return math.log2(value)


def with_unique_ids(prepared: pa.Table, start: int = 0) -> pa.Table:
    """The prepared records with Splink's integer unique id (row number from ``start``)."""
    ids = pa.array(range(start, start + prepared.num_rows), type=pa.int64())
    return prepared.append_column(UNIQUE_ID, ids)


def postcode_notes(prepared: pa.Table) -> list[str]:
    """A data-quality note when some postcodes are UK ones and some are not (a mis-mapped column, or
    addresses abroad): they are all kept and compared as written; only UK ones have sectors and districts."""
    held = prepared.num_rows - prepared.column("postcode").null_count
    uk = prepared.num_rows - prepared.column("postcode_district").null_count
    if not held or uk in (0, held):
        return []
    return [
        f"{held - uk:,} of {held:,} postcodes are not in the UK format: kept as written and compared whole"
    ]


def train_model(
    records: pa.Table,
    *,
    profile: Profile = "full",
    engine: Engine = "duckdb",
    seed: int = 1,
    max_records: int = 400_000,
) -> LinkageModel:
    """Train a model on the records, without labels.

    Only the fields the records hold take part (model_fields: a nearly empty one is left out with a
    note). u by random sampling; the prior from deterministic rules (a shared identifier, or name and
    date of birth exactly); m by expectation maximisation, in turn on pairs sharing a date of birth, a
    name and a postcode (each session trains the comparisons it does not block on). With fewer than
    MIN_EM_RECORDS records EM is not run and m keeps its prior (the notes say so). Training uses at most
    ``max_records`` records (a seeded sample): parameters settle long before a million.
    """
    from splink import Linker, block_on
    from splink.internals.exceptions import SplinkException

    engine = check_engine(engine)
    prepared = prepare_records(records)
    if prepared.num_rows < 2:
        raise ModelError("at least two records are needed to train a model")
    sample = prepared
    if prepared.num_rows > max_records:
        import numpy as np

        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(prepared.num_rows, size=max_records, replace=False))
        sample = prepared.take(pa.array(keep))
    fields, notes = model_fields(sample, profile)
    if not fields:
        raise ModelError(
            "the records hold no field that can be compared (names, date of birth, address, "
            "identifiers): nothing to link on"
        )
    notes += postcode_notes(sample)
    present = present_columns(sample)
    keys = blocking_keys(profile, fields, present)
    settings = _settings(profile, fields, keys)

    db_api = database_api(engine)
    table = with_unique_ids(sample)
    registered = table_name("desist_training_records")
    sdf = db_api.register(table, table_name=registered)
    try:
        # Splink's warnings about unobserved levels are handled by regularise and kept in the metadata.
        linker = Linker(sdf, settings, log_level=logging.ERROR)
        deterministic: list[Any] = [
            block_on(*key)
            for key in (
                *[(kind,) for kind in ("pnc", "nhs_number", "ni_number") if kind in fields],
                ("local_id",) if "local_ids" in fields else (),
                ("first_name", "last_name", "dob"),
            )
            if key and all(column in present for column in key)
        ]
        try:
            linker.training.estimate_probability_two_random_records_match(
                deterministic, recall=DETERMINISTIC_RECALL
            )
        except (ValueError, ArithmeticError, SplinkException):
            # No pair met a rule (a handful of records): the prior stays Splink's default, noted.
            notes.append(
                "no pair of records shares an identifier or a name and date of birth: "
                "the prior is Splink's default"
            )
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
        trained = linker.misc.save_model_to_json()
        if not 0 < trained.get("probability_two_random_records_match", 0) < 1:
            # Splink only warns when no pair met a rule, leaving a prior of 0 that no prediction can use.
            trained["probability_two_random_records_match"] = DEFAULT_PRIOR
            notes.append(
                "no pair of records shares an identifier or a name and date of birth: "
                "the prior is Splink's default"
            )
        skipped: list[str] = []
        iterations_used: dict[str, int] = {}
        # Two sessions, as Splink recommends: each trains the comparisons the other blocks on.
        sessions = [
            (name, key)
            for name, key in (("date of birth", ("dob",)), ("name", ("first_name", "last_name")))
            if all(column in present for column in key)
        ]
        if len(sessions) < 2 and "postcode" in present:
            sessions.append(("postcode", ("postcode",)))
        if sample.num_rows < MIN_EM_RECORDS:
            notes.append(
                f"only {sample.num_rows:,} records: too few to estimate m by EM (at least "
                f"{MIN_EM_RECORDS:,}); m keeps its prior; train again on more records"
            )
            sessions = []
        for name, key in sessions:
            for iterations in EM_ITERATIONS:
                # Each session on its own linker, so a failed attempt leaves the parameters as they were.
                session = Linker(sdf, {**trained, "max_iterations": iterations}, log_level=logging.ERROR)
                try:
                    session.training.estimate_parameters_using_expectation_maximisation(
                        block_on(*key), max_pairs=EM_MAX_PAIRS, record_sample_proportion=0.1
                    )
                except (ValueError, ArithmeticError, SplinkException) as exc:
                    # Splink 5 refuses an m that underflows to 0 (a level whose pairs all score as
                    # non-matches); fewer iterations stop before it gets there. A session with no pairs
                    # is skipped.
                    if iterations == EM_ITERATIONS[-1]:
                        notes.append(f"EM on pairs sharing a {name} did not run ({type(exc).__name__})")
                    continue
                trained = session.misc.save_model_to_json()
                iterations_used[name] = iterations
                break
            else:
                skipped.append(name)
    finally:
        release(db_api, [registered])
    # How many random pairs estimated u: Splink samples enough records for U_MAX_PAIRS pairs, or takes all.
    u_pairs = min(U_MAX_PAIRS, sample.num_rows * (sample.num_rows - 1) / 2)
    trained, unseen = unseen_u(_stable_settings(trained), u_pairs)
    trained = _with_priors(trained)
    if sample.num_rows < MIN_EM_RECORDS:
        trained = u_without_matches(trained, u_pairs)
        notes.append("u estimated from every pair of so few records, the true pairs taken out")
    settings_json, untrained = regularise(trained)
    return LinkageModel(
        settings=settings_json,
        profile=profile,
        trained_on=int(sample.num_rows),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        metadata={
            "engine": engine,
            "seed": seed,
            "fields": list(fields),
            "blocking": [list(key) for key in keys],
            "identifiers": [kind for kind in fields if kind in IDENTIFIER_KINDS],
            "local_ids": "local_ids" in fields,
            "records_offered": int(prepared.num_rows),
            "sources": sorted(set(pc.unique(prepared.column("source")).to_pylist())),
            "untrained_levels": untrained,
            "u_unseen_levels": unseen,
            "skipped_em_sessions": skipped,
            "em_max_iterations": iterations_used,
            "notes": notes,
        },
    )


def unseen_u(settings: dict[str, Any], u_pairs: float) -> tuple[dict[str, Any], list[str]]:
    """u for the levels EM trained but none of the ``u_pairs`` random pairs fell in.

    Two different people almost never share an identifier exactly, so at a million records a sample of
    a few million random pairs may hold no such pair at all. Zero is not the estimate (the weight would
    be infinite) and neither is "unknown" (a weight of 0 would ignore the strongest evidence there is):
    u is Laplace's rule of succession, 1 / (u_pairs + 2), the chance the sample could just miss. Returns
    the settings and the levels so estimated.
    """
    clean: dict[str, Any] = json.loads(json.dumps(settings))
    unseen: list[str] = []
    for comparison in clean.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("u_probability") or not level.get("m_probability"):
                continue
            level["u_probability"] = 1 / (u_pairs + 2)
            unseen.append(f"{comparison['output_column_name']}: {level.get('label_for_charts')}")
    return clean, unseen


def u_without_matches(settings: dict[str, Any], u_pairs: float) -> dict[str, Any]:
    """u with the true pairs taken out of the random pairs it was counted on.

    Random sampling counts how often *any* two records agree: lambda * m + (1 - lambda) * u, where lambda is
    the chance two records are one person. At scale lambda is tiny and the count is u; on a handful of records
    (fewer than MIN_EM_RECORDS, where every pair is sampled and lambda is large) the true pairs make every
    agreement look common, so a first small import would link nobody. The same mixture solved for u,
    (count - lambda * m) / (1 - lambda), is the estimate; where nothing is left, Laplace's rule of succession
    (1 / (u_pairs + 2)), as for a level no pair showed."""
    clean: dict[str, Any] = json.loads(json.dumps(settings))
    prior = float(clean.get("probability_two_random_records_match") or 0)
    if not 0 < prior < 1:
        return clean
    floor = 1 / (u_pairs + 2)
    for comparison in clean.get("comparisons", []):
        levels = [
            lvl
            for lvl in comparison["comparison_levels"]
            if not lvl.get("is_null_level") and lvl.get("m_probability") and lvl.get("u_probability")
        ]
        for level in levels:
            level["u_probability"] = max(
                (float(level["u_probability"]) - prior * float(level["m_probability"])) / (1 - prior), floor
            )
        # The levels' u are one distribution: the floors may push it over 1, so it is scaled back.
        total = sum(level["u_probability"] for level in levels)
        if total > 1:
            for level in levels:
                level["u_probability"] /= total
    return clean


def _with_priors(settings: dict[str, Any]) -> dict[str, Any]:
    """Give every level EM left without an m a prior: PRIOR_M_EXACT for the first (closest) level,
    PRIOR_M_DIFFERENT for the ELSE level, the rest shared evenly between the partial levels."""
    clean: dict[str, Any] = json.loads(json.dumps(settings))
    for comparison in clean.get("comparisons", []):
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        partial = max(1, len(levels) - 2)
        for index, level in enumerate(levels):
            if level.get("m_probability"):
                continue
            if index == 0:
                level["m_probability"] = PRIOR_M_EXACT
            elif index == len(levels) - 1:
                level["m_probability"] = PRIOR_M_DIFFERENT
            else:
                level["m_probability"] = (1 - PRIOR_M_EXACT - PRIOR_M_DIFFERENT) / partial
    return clean


def regularise(settings: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Keep every weight finite and every level usable.

    EM drives m to zero for a disagreement the training data never shows (synthetic sexes never
    conflict); real records do conflict now and then, so where m is below u it is floored at M_FLOOR
    and no single field can veto a link outright. A level that no training pair fell in (m or u not
    estimated) takes the parameters of a named neighbour (UNTRAINED_LIKE), or else a weight of 0:
    neither for nor against; an unseen disagreement (the ELSE level) counts as rare among matches.
    Returns the settings and the levels that were not trained.
    """
    clean: dict[str, Any] = json.loads(json.dumps(settings))
    untrained: list[str] = []
    for comparison in clean.get("comparisons", []):
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        trained = {
            lvl.get("label_for_charts"): lvl
            for lvl in levels
            if lvl.get("m_probability") and lvl.get("u_probability")
        }
        for level in levels:
            m, u = level.get("m_probability"), level.get("u_probability")
            if not m or not u:
                like = UNTRAINED_LIKE.get((comparison["output_column_name"], level.get("label_for_charts")))
                if like in trained:
                    m, u = trained[like]["m_probability"], trained[like]["u_probability"]
                elif u and level.get("sql_condition", "").strip().upper() == "ELSE":
                    # No matching pair ever disagreed this way: strong evidence against, floored.
                    m = min(M_FLOOR, u)
                else:
                    m = u = m or u or UNTRAINED_PROBABILITY
                untrained.append(f"{comparison['output_column_name']}: {level.get('label_for_charts')}")
            m, u = float(m), float(u)
            if m < u:
                m = max(m, min(M_FLOOR, u))
            level["m_probability"], level["u_probability"] = m, u
    return clean, untrained


def _stable_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings without what changes from run to run but not the model (the linker's random id)."""
    clean = dict(settings)
    clean.pop("linker_uid", None)
    return clean
