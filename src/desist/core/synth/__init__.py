"""Synthetic partnership generator: a realistic Kent and Medway caseload with the hidden truth kept.

Used by the demo, the tests and the benchmarks. No Django. Deterministic: the same (people, seed, as_of)
gives byte-identical tables.

    from desist.core.synth import generate_partnership, write_partnership
    world = generate_partnership(people=50_000, seed=1, as_of=date(2026, 11, 23))
    write_partnership(world, "var/synth", format="parquet")
"""

from .extracts import SOURCE_FORMATS, ExtractErrorModel
from .generate import DEFAULT_AS_OF, GENERATOR_VERSION, Partnership, SynthConfig, generate_partnership
from .identifiers import PNC_LETTERS, is_valid_nhs, nhs_check_digit, pnc_check
from .vocab import EXTRACT_IDENTIFIERS, EXTRACT_SOURCES, SCHEMAS, TABLES, extract_schema
from .writer import write_partnership

__all__ = [
    "DEFAULT_AS_OF",
    "EXTRACT_IDENTIFIERS",
    "EXTRACT_SOURCES",
    "GENERATOR_VERSION",
    "PNC_LETTERS",
    "SCHEMAS",
    "SOURCE_FORMATS",
    "TABLES",
    "ExtractErrorModel",
    "Partnership",
    "SynthConfig",
    "extract_schema",
    "generate_partnership",
    "is_valid_nhs",
    "nhs_check_digit",
    "pnc_check",
    "write_partnership",
]
