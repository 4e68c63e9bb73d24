"""Fixtures for the record-linkage tests: one small generated partnership and a model trained on it."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from desist.core.linkage import LinkageModel, train_model
from desist.core.linkage.synthetic import extract_records
from desist.core.synth import Partnership, generate_partnership


@pytest.fixture(scope="session")
def linkage_world() -> Partnership:
    """2,000 people: about 3,400 extract records across the nine sources, with every kind of fault."""
    return generate_partnership(people=2_000, seed=21, as_of=date(2026, 11, 23))


@pytest.fixture(scope="session")
def extract_records_table(linkage_world: Partnership) -> pa.Table:
    """Every extract read through its mapping, as the engine takes records."""
    return extract_records(linkage_world)


@pytest.fixture(scope="session")
def model(extract_records_table: pa.Table) -> LinkageModel:
    """A model trained (without labels) on the extracts."""
    return train_model(extract_records_table)
