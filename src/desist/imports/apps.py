from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "desist.imports"
    label = "imports"
    verbose_name = "Agency extract imports"

    def ready(self) -> None:
        from django.conf import settings

        from desist.imports.extracts import ExtractLimits, configure

        configure(
            ExtractLimits(
                max_rows=settings.DESIST_IMPORT_MAX_ROWS,
                max_columns=settings.DESIST_IMPORT_MAX_COLUMNS,
                max_cell_chars=settings.DESIST_IMPORT_MAX_CELL_CHARS,
                max_seconds=settings.DESIST_IMPORT_MAX_PARSE_SECONDS,
                max_xlsx_parts=settings.DESIST_IMPORT_MAX_XLSX_PARTS,
                max_xlsx_bytes=settings.DESIST_IMPORT_MAX_XLSX_BYTES,
                max_xlsx_ratio=settings.DESIST_IMPORT_MAX_XLSX_RATIO,
            )
        )
