"""A record of each demo partnership build, so that building twice adds nothing."""

from django.db import models


class DemoBuild(models.Model):
    people = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    as_of = models.DateField()
    built_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)
    row_counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Demo partnership of {self.people} people (seed {self.seed}, as of {self.as_of})"
