"""Record linkage: agency records into people (Splink 5 on DuckDB, or Spark for national scale)."""
