"""Record linkage: agency records into people (Splink 5 on DuckDB, or Spark for national scale).

    from desist.core.linkage import train_model, link_records
    model = train_model(records)
    result = link_records(records, model=model, previous=last_run.person_ids())

See docs/linkage.md.
"""

from .backends import ENGINES, Engine, EngineUnavailable
from .clustering import PersonMerge, PersonSplit, RecordKey
from .evaluate import Accuracy, pairwise_accuracy
from .link import (
    DEFAULT_LINK_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    Agreement,
    LinkError,
    LinkResult,
    ReviewPair,
    Thresholds,
    link_records,
)
from .mapping import MappingError, RecordValueErrors, SourceMapping, load_mapping, parse_mapping, read_sources
from .model import LinkageModel, ModelError, train_model
from .records import RECORD_FIELDS, RecordTableError, prepare_records

__all__ = [
    "DEFAULT_LINK_THRESHOLD",
    "DEFAULT_REVIEW_THRESHOLD",
    "ENGINES",
    "RECORD_FIELDS",
    "Accuracy",
    "Agreement",
    "Engine",
    "EngineUnavailable",
    "LinkError",
    "LinkResult",
    "LinkageModel",
    "MappingError",
    "ModelError",
    "PersonMerge",
    "PersonSplit",
    "RecordKey",
    "RecordTableError",
    "RecordValueErrors",
    "ReviewPair",
    "SourceMapping",
    "Thresholds",
    "link_records",
    "load_mapping",
    "pairwise_accuracy",
    "parse_mapping",
    "prepare_records",
    "read_sources",
    "train_model",
]
