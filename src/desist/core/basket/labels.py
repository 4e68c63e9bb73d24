"""The names of the breakdowns and their values, shared by the figures, fairness and validation."""

from __future__ import annotations

ALL = "all"  # the value of a dimension that is not broken down
NOT_RECORDED = "Not recorded"
BREAKDOWNS: tuple[str, ...] = ("sex", "ethnicity", "age_band")
BREAKDOWN_LABELS = {"sex": "Sex", "ethnicity": "Ethnic group", "age_band": "Age band"}
SEX_LABELS = {"male": "Male", "female": "Female"}
# The ONS 2021 high-level ethnic groups, by the first letter of the code.
ETHNIC_GROUPS = {
    "A": "Asian or Asian British",
    "B": "Black, Black British, Caribbean or African",
    "M": "Mixed or multiple",
    "W": "White",
    "O": "Other ethnic group",
}
