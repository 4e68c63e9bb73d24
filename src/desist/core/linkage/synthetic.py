"""The synthetic generator's agency extracts as linkage input: their mapping, records and truth.

Used by the tests, the benchmarks and as a worked example of a mapping (``desist synth --format csv``
writes the files this mapping reads).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from desist.core.synth import (
    EXTRACT_IDENTIFIERS,
    EXTRACT_SOURCES,
    SOURCE_FORMATS,
    Partnership,
    extract_schema,
)

from .mapping import SourceMapping, ValueProblem, parse_mapping, read_source_table

DATE_STYLES = {"iso": "%Y-%m-%d", "dmy_slash": "%d/%m/%Y", "dmy_dash": "%d-%m-%Y"}


def extract_mapping_toml(sources: Iterable[str] = EXTRACT_SOURCES) -> str:
    """A mapping file (TOML) for the generator's extracts of these sources."""
    lines: list[str] = []
    for source in sources:
        fmt = SOURCE_FORMATS[source]
        lines += [
            f"[{source}]",
            'record_id = "record_id"',
            f'date_format = "{DATE_STYLES[fmt.date_style]}"',
            "",
        ]
        lines.append(f"[{source}.columns]")
        for column in extract_schema(source).names:
            if column in ("source", "record_id"):
                continue
            lines.append(f'{column} = "{column}"')
        lines.append("")
    return "\n".join(lines)


def extract_mapping(sources: Iterable[str] = EXTRACT_SOURCES) -> dict[str, SourceMapping]:
    """The parsed mapping for the generator's extracts."""
    return parse_mapping(extract_mapping_toml(sources), path="synthetic extracts")


def extract_records(
    world: Partnership, sources: Iterable[str] | None = None, *, blanked: list[ValueProblem] | None = None
) -> pa.Table:
    """The chosen sources' extracts (all by default) read through their mapping, as one records table.

    The generator's faults include the odd impossible date of birth (a typo making 29 February of a
    common year, or a date in the future); like any agency's, those values are left empty and listed
    in ``blanked`` (a fresh list if none is given) rather than stopping the read.
    """
    chosen = list(sources) if sources is not None else [s for s in EXTRACT_SOURCES if s in world.extracts]
    mapping = extract_mapping(chosen)
    problems = blanked if blanked is not None else []
    tables = [
        read_source_table(world.extracts[s], mapping[s], file=f"extracts/{s}", blanked=problems)
        for s in chosen
    ]
    return pa.concat_tables(tables, promote_options="default")


def extract_truth(world: Partnership) -> pa.Table:
    """The hidden truth: source, record_id, person_id for every extract record."""
    return world.extract_links


__all__ = [
    "EXTRACT_IDENTIFIERS",
    "extract_mapping",
    "extract_mapping_toml",
    "extract_records",
    "extract_truth",
]
