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


class StoredBasket(models.Model):
    """The live basket for a quarter (and the quarters of its trend), worked out in the background from the
    records as they were at ``started_at`` and stored for every process to read: the board's pages read this,
    never the records. Worked out again when the records change (debounced) and nightly
    (``desist.board.refresh``); one row per quarter, replaced each time."""

    quarter = models.CharField(max_length=6, unique=True, help_text="The latest quarter shown, like 2025Q4.")
    as_of = models.DateField(help_text="The day the figures were worked out for.")
    started_at = models.DateTimeField(help_text="When the records were read: later changes are not in it.")
    computed_at = models.DateTimeField(help_text="When the figures were stored.")
    seconds = models.FloatField(default=0, help_text="How long working them out took.")
    data_version = models.CharField(max_length=64)
    code_version = models.CharField(max_length=64)
    input_rows = models.JSONField(default=dict)
    figures = models.BinaryField(help_text="The BasketResult as Parquet.")
    figures_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-quarter"]

    def __str__(self) -> str:
        return f"Live board figures for {self.quarter}"


class BasketRefresh(models.Model):
    """One row: since when the records have changed without the stored basket seeing it. A change sets
    ``changed_since`` (if unset) and queues one refresh a short while later; a refresh clears it only if no
    change came after it started, so nothing is lost while it runs."""

    changed_since = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True, help_text="When a refresh was last queued.")

    def __str__(self) -> str:
        return "Board figures: changes waiting" if self.changed_since else "Board figures: up to date"


class BasketChart(models.Model):
    """A trend chart rendered once (SVG by vl-convert) and kept for every process, found by a SHA-256 of what
    it draws (``desist.core.basket.charts.trend_key``): the board, its pack and the strategy pack read charts
    from here rather than rendering them on a request."""

    key = models.CharField(max_length=64, primary_key=True)
    svg = models.TextField()
    rendered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Chart {self.key[:12]}"
