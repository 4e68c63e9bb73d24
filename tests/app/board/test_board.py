"""The board: the basket from the records, suppression by role, exports, publishing and the frozen pack."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from desist.audit.context import system_actor
from desist.audit.models import AccessLogEntry, Action
from desist.board import selectors
from desist.board.models import QuarterSnapshot
from desist.board.refresh import basket_compute
from desist.core.basket import Quarter
from desist.offences import services as offences
from desist.outcomes import services as outcomes
from desist.partnership.models import Role
from tests.app.board.figures import store_figures
from tests.app.builders import NAVIGATION_QUERIES, community_order, offence_code, person

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

QUARTER: Quarter = selectors.latest_quarter()


def caution(subject: Any, day: Any) -> None:
    offences.offence_record(
        actor=system_actor(),
        person=subject,
        offence_code="04600",
        offence_date=day,
        outcome="caution",
        outcome_date=day,
    )


@pytest.fixture
def board(partnership: Any) -> dict[str, Any]:
    """Six people cautioned early in the last complete quarter, one of whom offends again; three community
    orders starting in it, two in settled accommodation; one warning."""
    offence_code("04600", "Theft (non-motor)", 0.0)
    start = QUARTER.start
    people = [
        person(
            first_name=f"Person{i}",
            last_name="Board",
            sex="female" if i == 5 else "male",
            district=partnership.medway if i < 4 else partnership.canterbury,
        )
        for i in range(6)
    ]
    for subject in people:
        caution(subject, start + timedelta(days=5))
    offences.offence_record(
        actor=system_actor(),
        person=people[0],
        offence_code="04600",
        offence_date=start + timedelta(days=10),
        outcome="conviction",
        outcome_date=start + timedelta(days=20),
        disposal="fine",
    )
    orders = [community_order(people[i], start=start + timedelta(days=3)) for i in range(3)]
    for order, kind in zip(orders, ("own_home", "supported", "rough_sleeping"), strict=True):
        outcomes.accommodation_status_record(
            actor=system_actor(),
            sentence=order,
            stage="start",
            recorded_on=start + timedelta(days=3),
            kind=kind,
        )
    outcomes.enforcement_action_record(
        actor=system_actor(), sentence=orders[0], kind="warning", action_date=start + timedelta(days=30)
    )
    analyst = partnership.user("analyst", partnership.probation, Role.ANALYST)
    practitioner = partnership.user("practitioner", partnership.police)
    store_figures()
    return {"people": people, "analyst": analyst, "practitioner": practitioner, "orders": orders}


def test_the_basket_is_worked_out_from_the_records(board: dict[str, Any]) -> None:
    from desist.core.basket import BY_CODE, BoardView

    view = BoardView(basket_compute(), analyst=True)
    reoffending = view.cell(BY_CODE["proven_reoffending"], QUARTER)
    assert (reoffending.numerator, reoffending.denominator, reoffending.provisional) == (1, 6, True)
    accommodation = view.cell(BY_CODE["accommodation_start"], QUARTER)
    assert (accommodation.numerator, accommodation.denominator) == (2, 3)
    warnings = view.cell(BY_CODE["warnings_per_100"], QUARTER)
    assert (warnings.numerator, warnings.denominator) == (1, 3)
    medway = BoardView(basket_compute(), analyst=True, district="Medway")
    assert medway.cell(BY_CODE["proven_reoffending"], QUARTER).denominator == 4
    assert "No data" in view.no_data(BY_CODE["treatment_engagement"])


def test_analysts_see_small_counts_and_everyone_else_sees_them_withheld(
    client, board, django_assert_max_num_queries
):
    client.force_login(board["analyst"])
    with django_assert_max_num_queries(12 + NAVIGATION_QUERIES):  # the stored figures, never the records
        html = client.get(reverse("board")).content.decode()
    assert "16.7%" in html and "66.7%" in html and "<svg" not in html and "data:image/svg+xml" in html
    client.force_login(board["practitioner"])
    with django_assert_max_num_queries(12 + NAVIGATION_QUERIES):
        html = client.get(reverse("board")).content.decode()
    assert "16.7%" not in html and "66.7%" not in html and "[c]" in html
    assert AccessLogEntry.objects.filter(
        username="practitioner", summary__startswith="Viewed the board"
    ).exists()


def test_the_inputs_are_read_in_a_fixed_number_of_queries(board, django_assert_max_num_queries) -> None:
    from desist.board.exports import basket_inputs

    for subject in board["people"][:3]:
        caution(subject, QUARTER.start + timedelta(days=40))
    with django_assert_max_num_queries(12):
        inputs = basket_inputs()
    assert inputs.row_counts()["offences"] == 10 and inputs.row_counts()["statuses"] == 3


def test_filters_by_district_and_priority_group(client, board) -> None:
    client.force_login(board["analyst"])
    html = client.get(reverse("board"), {"district": "Canterbury", "group": "all"}).content.decode()
    assert "Canterbury, everyone" in html and "0.0%" in html  # nobody in Canterbury reoffended
    unknown = client.get(reverse("board"), {"district": "Atlantis"}).content.decode()
    assert "All districts" in unknown


def test_definitions_are_generated_from_the_measures(client, board, django_assert_max_num_queries) -> None:
    from desist.core.basket import BASKET

    client.force_login(board["practitioner"])
    with django_assert_max_num_queries(8):
        html = client.get(reverse("board_definitions")).content.decode()
    for measure in BASKET:
        assert measure.name in html and f'id="{measure.code}"' in html
    assert "Wilson" in html


def test_fairness_and_validation_pages(client, board, django_assert_max_num_queries) -> None:
    client.force_login(board["analyst"])
    with django_assert_max_num_queries(25):
        html = client.get(reverse("board_fairness"), {"measure": "proven_reoffending"}).content.decode()
    assert "By sex" in html and "1.00 (reference)" in html and "Relative rate index" in html
    with django_assert_max_num_queries(25):
        html = client.get(reverse("board_validation")).content.decode()
    assert "Predictor validation" in html


def test_csv_and_excel_downloads_follow_the_role(client, board) -> None:
    client.force_login(board["analyst"])
    rows = list(csv.reader(io.StringIO(client.get(reverse("board_export", args=["csv"])).content.decode())))
    assert rows[0][:3] == ["Quarter", "Measure", "Area"]
    assert rows[0][7:10] == ["Unit of value", "Value (in the unit)", "95% interval: lower (in the unit)"]
    headline = [
        r for r in rows if r[1] == "Proven reoffending rate" and r[5] == "all" and r[0] == QUARTER.label
    ]
    # Numbers, not display text: 16.667 per cent, a count of 1, provisional "yes".
    assert headline[0][7] == "per cent" and float(headline[0][8]) == pytest.approx(16.667)
    assert headline[0][11] == "1" and headline[0][12] == "6" and headline[0][15] == "yes"
    assert not any("%" in cell for row in rows[1:] for cell in row[8:])
    client.force_login(board["practitioner"])
    response = client.get(reverse("board_export", args=["xlsx"]))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    figures = list(book["Figures"].iter_rows(values_only=True))
    assert figures[0][0] == "Quarter"
    reoffending = [row for row in figures[1:] if row[1] == "Proven reoffending rate"]
    assert all(row[11] in ("[c]", 0) for row in reoffending)
    assert all(row[8] == "[c]" for row in reoffending if row[16] == "yes")
    assert any(isinstance(row[13], int) for row in reoffending)  # numbers in the spreadsheet, not text
    assert client.get(reverse("board_export", args=["pdf"])).status_code == 404


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_published_quarter_is_frozen_and_its_pack_reproduced(client, board) -> None:
    client.force_login(board["analyst"])
    response = client.post(reverse("board_publish"), {"quarter": QUARTER.code}, follow=True)
    assert "is published" in response.content.decode()
    snapshot = QuarterSnapshot.objects.get(quarter=QUARTER.code)
    assert len(snapshot.data_version) == 64
    pack_url = reverse("board_pack", args=[QUARTER.code])
    first = pdf_text(client.get(pack_url).content)
    assert "Appendix: definitions" in first and "Proven reoffending rate" in first and "[c]" in first
    csv_before = client.get(reverse("board_export", args=["csv"]), {"figures": QUARTER.code}).content

    # The records change: a seventh person is cautioned in the quarter.
    caution(person(first_name="Late", last_name="Entry"), QUARTER.start + timedelta(days=6))
    store_figures()
    assert pdf_text(client.get(pack_url).content) == first
    assert client.get(reverse("board_export", args=["csv"]), {"figures": QUARTER.code}).content == csv_before
    live = client.get(reverse("board_export", args=["csv"])).content
    assert live != csv_before  # the live figures see the change

    again = client.post(reverse("board_publish"), {"quarter": QUARTER.code}, follow=True).content.decode()
    assert "already published" in again
    assert (
        AccessLogEntry.objects.filter(
            action=Action.DISCLOSURE, summary=f"Published board figures for {QUARTER.code}"
        ).count()
        == 1
    )


def test_only_analysts_publish_and_only_published_quarters_have_a_pack(client, board) -> None:
    client.force_login(board["practitioner"])
    assert client.post(reverse("board_publish"), {"quarter": QUARTER.code}).status_code == 403
    assert not QuarterSnapshot.objects.exists()
    assert AccessLogEntry.objects.filter(action=Action.DENIED, username="practitioner").exists()
    assert client.get(reverse("board_pack", args=[QUARTER.code])).status_code == 404
    client.force_login(board["analyst"])
    future = QUARTER.next().next()
    html = client.post(reverse("board_publish"), {"quarter": future.code}, follow=True).content.decode()
    assert "has not ended yet" in html


def test_the_command_publishes_and_writes_the_pack(board, tmp_path) -> None:
    out = io.StringIO()
    call_command("board_publish", "--quarter", QUARTER.code, "--pack", str(tmp_path / "pack.pdf"), stdout=out)
    assert "Published" in out.getvalue()
    assert "Appendix: definitions" in pdf_text((tmp_path / "pack.pdf").read_bytes())
