"""Writing a generated partnership to disk as Parquet or CSV, with a manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .generate import GENERATOR_VERSION, Partnership

FORMATS = ("parquet", "csv")


def _write(table: pa.Table, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
    else:
        pacsv.write_csv(table, path)


def write_partnership(world: Partnership, out_dir: str | Path, format: str = "parquet") -> dict[str, Any]:
    """Write every table to ``out_dir`` and return the manifest (also written as ``manifest.json``).

    Layout: ``<table>.<ext>`` for the entity tables, ``extracts/<source>.<ext>`` for the agency extracts
    and ``truth/extract_links.<ext>`` for the hidden truth; ``<ext>`` is ``parquet`` or ``csv``.
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {format!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in world.tables().items():
        _write(table, out / f"{name}.{format}", format)
    for source, table in world.extracts.items():
        _write(table, out / "extracts" / f"{source}.{format}", format)
    _write(world.extract_links, out / "truth" / f"extract_links.{format}", format)
    cfg = world.config
    manifest: dict[str, Any] = {
        "people": cfg.people,
        "seed": cfg.seed,
        "as_of": cfg.as_of.isoformat(),
        "generator_version": GENERATOR_VERSION,
        "format": format,
        "row_counts": world.row_counts(),
        "error_model": cfg.errors.as_dict(),
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest
