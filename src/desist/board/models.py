"""Published quarters of the basket of measures, frozen so a past board pack can be reproduced exactly."""

from django.conf import settings
from django.db import models


class QuarterSnapshot(models.Model):
    """A quarter's published figures as they were worked out when published, with the data version.

    ``figures`` is the whole ``desist.core.basket.BasketResult`` (every measure for the quarter and the seven
    before it, by district, priority group, sex, ethnic group and age band, with the data-quality notes and
    predictor validation) as one Parquet file. The pack, the dashboard and the exports of a published quarter
    are rendered from it alone, never recomputed, so later changes to the records cannot alter them.
    """

    quarter = models.CharField(max_length=6, unique=True, help_text="The quarter published, like 2025Q4.")
    as_of = models.DateField(help_text="The last day the data covered.")
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by_name = models.CharField(max_length=150, blank=True)
    data_version = models.CharField(
        max_length=64, help_text="SHA-256 of the inputs, settings, date and code."
    )
    code_version = models.CharField(max_length=64)
    input_rows = models.JSONField(default=dict)
    figures = models.BinaryField(help_text="The BasketResult as Parquet.")
    figures_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-quarter"]

    def __str__(self) -> str:
        return f"Board figures for {self.quarter}"
