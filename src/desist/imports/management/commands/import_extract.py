"""manage.py import_extract --agency CODE --file F [--mapping NAME]: import one agency extract.

`desist import` runs this command too. It prints every bad row and exits non-zero when the file is
refused; nothing is written unless the whole file imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desist.audit.context import system_actor
from desist.audit.models import Channel
from desist.imports import importing, selectors, services
from desist.imports.arguments import add_import_arguments
from desist.imports.extracts import (
    ExtractFile,
    ExtractFileError,
    field_label,
    guess_columns,
    guess_date_format,
    guess_record_id_column,
    read_extract,
)
from desist.partnership.models import Agency

SHOWN = 200


class Command(BaseCommand):
    help = "Import an agency extract (CSV or Excel) with the agency's saved column mapping."

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"There is no agency with the code {options['agency']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file {str(path)!r}.")
        file = ExtractFile.from_path(path, encoding=options.get("encoding") or "")
        actor = system_actor(channel=Channel.IMPORT, agency_ids=frozenset({agency.pk}))
        mapping = selectors.current_mapping(agency, options["mapping"])
        if mapping is None:
            mapping = self._guessed_mapping(actor, agency, file, options)
        self.stdout.write(
            f"Reading {path.name} for {agency.name} with mapping {mapping.name!r} version {mapping.version}."
        )
        if options["check"]:
            report = importing.import_validate(agency=agency, file=file, mapping=mapping)
            if not report.ok:
                self._refuse(report)
            self.stdout.write(
                f"{path.name} is ready to import: {report.rows:,} rows, {report.created:,} new, "
                f"{report.updated:,} changed, {report.unchanged:,} unchanged records."
            )
            return
        try:
            batch = importing.import_extract(actor=actor, agency=agency, file=file, mapping=mapping)
        except importing.ImportRefused as refused:
            self._refuse(refused.report)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path.name} as batch {batch.pk}: {batch.rows:,} rows, {batch.created:,} new, "
                f"{batch.updated:,} changed, {batch.unchanged:,} unchanged records."
            )
        )

    def _guessed_mapping(self, actor: Any, agency: Agency, file: ExtractFile, options: dict[str, Any]) -> Any:
        try:
            table = read_extract(file)
        except ExtractFileError as error:
            raise CommandError(str(error)) from error
        columns = guess_columns(table.columns)
        record_id = guess_record_id_column(table.columns)
        dob = next((c for c, f in columns.items() if f == "date_of_birth"), None)
        date_format = options["date_format"] or (
            guess_date_format([cells[table.columns.index(dob)] for _, cells in table.rows[:500]])
            if dob
            else "auto"
        )
        guess = "\n".join(f"  {column} -> {field_label(name)} ({name})" for column, name in columns.items())
        summary = f"record id column: {record_id or '(none found)'}; date format: {date_format}\n{guess}"
        if not options["save_guessed_mapping"]:
            raise CommandError(
                f"{agency.code} has no saved mapping {options['mapping']!r}. "
                "Save one in the web pages (Imports), or run again with --save-guessed-mapping "
                f"to save this guess from the file's header:\n{summary}"
            )
        try:
            mapping = services.mapping_save(
                actor=actor,
                agency=agency,
                name=options["mapping"],
                record_id_column=record_id,
                date_format=date_format,
                columns=columns,
                file_columns=table.columns,
            )
        except importing.MappingError as error:
            raise CommandError(
                "The guessed mapping cannot be saved: " + " ".join(error.problems) + f"\n{summary}"
            ) from error
        self.stdout.write(f"Saved mapping {mapping.name!r} version {mapping.version}:\n{summary}")
        return mapping

    def _refuse(self, report: importing.ValidationReport) -> None:
        if report.problems:
            lines = ["row\tcolumn\tproblem"]
            lines += [f"{p.row}\t{p.column}\t{p.problem}" for p in report.problems[:SHOWN]]
            if len(report.problems) > SHOWN:
                lines.append(
                    f"… and {len(report.problems) - SHOWN:,} more problems (fix these and run again)."
                )
            self.stderr.write("\n".join(lines))
        raise CommandError(report.refusal)
