"""Priority groups: one rule each, kept as dated periods, refreshed when the record changes, usable as a
filter on lists (issue 3 §3)."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from desist.core.priority import GroupFacts, Period, merge, periods_for
from desist.offences.services import offence_record
from desist.people.selectors import CaseloadFilters, caseload
from desist.priority.models import PriorityGroupMembership
from desist.priority.selectors import members_on
from desist.priority.services import priority_groups_refresh
from desist.registers.services import register_end
from tests.app import builders
from tests.app.builders import TODAY


def facts(**kwargs):
    return GroupFacts(
        person_id=1,
        sex=kwargs.pop("sex", "male"),
        date_of_birth=kwargs.pop("born", date(2004, 2, 29)),
        **kwargs,
    )


def groups(result):
    return {(p.group, p.start, p.end) for p in result}


class TestRules:
    def test_young_person_from_16_or_first_offence_to_the_day_before_25(self):
        born = date(2004, 2, 29)
        young = facts(born=born, offences=[(date(2019, 1, 1), date(2019, 3, 1), False)])
        assert ("young_person", date(2020, 2, 29), date(2029, 2, 27)) in groups(periods_for(young))
        later = facts(born=born, offences=[(date(2022, 1, 1), date(2022, 5, 1), False)])
        assert ("young_person", date(2022, 5, 1), date(2029, 2, 27)) in groups(periods_for(later))

    def test_no_group_without_an_offence_or_register(self):
        assert periods_for(facts(sex="female")) == []

    def test_woman_offender_from_first_proven_offence(self):
        woman = facts(
            sex="female", born=date(1980, 1, 1), offences=[(date(2010, 1, 1), date(2010, 2, 1), False)]
        )
        assert ("woman", date(2010, 2, 1), None) in groups(periods_for(woman))

    def test_da_perpetrator_from_register_and_for_three_years_after_a_da_offence(self):
        da = facts(
            born=date(1980, 1, 1),
            offences=[(date(2020, 1, 1), date(2020, 3, 1), True)],
            registers=[("domestic_abuse_perpetrator", date(2024, 1, 1), None, None, None)],
        )
        assert groups(periods_for(da)) >= {
            ("da_perpetrator", date(2020, 3, 1), date(2023, 2, 28)),
            ("da_perpetrator", date(2024, 1, 1), None),
        }
        # Over five years the offence's period reaches the register's, and the two merge.
        assert [
            (p.start, p.end) for p in periods_for(da, da_offence_years=5) if p.group == "da_perpetrator"
        ] == [(date(2020, 3, 1), None)]

    def test_register_groups_follow_register_dates(self):
        person = facts(
            born=date(1980, 1, 1),
            registers=[
                ("iom", date(2025, 1, 1), date(2025, 12, 31), None, None),
                ("mappa", date(2024, 6, 1), None, 2, 2),
                ("asb", date(2023, 1, 1), date(2023, 6, 30), None, None),
                ("troubled_family", date(2022, 1, 1), None, None, None),
            ],
        )
        result = periods_for(person)
        assert groups(result) == {
            ("iom", date(2025, 1, 1), date(2025, 12, 31)),
            ("mappa", date(2024, 6, 1), None),
            ("asb_perpetrator", date(2023, 1, 1), date(2023, 6, 30)),
            ("troubled_family", date(2022, 1, 1), None),
        }
        assert next(p for p in result if p.group == "mappa").basis.startswith("MAPPA (category 2, level 2)")

    def test_troubled_family_from_the_family_assessment_or_a_flag(self):
        member = facts(born=date(1980, 1, 1), troubled_family=(date(2025, 3, 1), "2012"))
        result = [p for p in periods_for(member) if p.group == "troubled_family"]
        assert [(p.start, p.end) for p in result] == [(date(2025, 3, 1), None)]
        assert (
            result[0].basis == "Family meets the Troubled Families 2012 criteria (records from 01 Mar 2025)"
        )

    def test_touching_periods_merge(self):
        merged = merge(
            [
                Period("iom", date(2024, 1, 1), date(2024, 6, 30), "a"),
                Period("iom", date(2024, 7, 1), date(2024, 12, 31), "b"),
                Period("iom", date(2025, 3, 1), None, "c"),
            ]
        )
        assert [(p.start, p.end) for p in merged] == [
            (date(2024, 1, 1), date(2024, 12, 31)),
            (date(2025, 3, 1), None),
        ]


@pytest.mark.django_db
class TestInTheProduct:
    @pytest.fixture
    def worker(self, partnership):
        return partnership.user("pat.probation", partnership.probation)

    @pytest.mark.django_db(
        transaction=True
    )  # the worker closes its connection after each task, as in production
    def test_groups_follow_the_record_by_background_task(self, partnership, worker):
        woman = builders.person(
            first_name="Tia",
            last_name="Young",
            sex="female",
            date_of_birth=TODAY - timedelta(days=365 * 20),
            involved=[(partnership.probation, worker)],
        )
        builders.offence_code("04600")
        offence_record(
            actor=builders.actor(),
            person=woman,
            offence_code="04600",
            offence_date=TODAY - timedelta(days=60),
            outcome="conviction",
            outcome_date=TODAY - timedelta(days=30),
            disposal="community",
            domestic_abuse=True,
        )
        iom = builders.flag(woman, "iom")
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        current = {
            m.group for m in PriorityGroupMembership.objects.filter(person=woman) if m.is_current(TODAY)
        }
        assert current == {"woman", "young_person", "da_perpetrator", "iom"}
        assert woman in members_on("iom", TODAY)

        register_end(actor=builders.actor(), entry=iom, end_date=TODAY - timedelta(days=1))
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        iom_rows = PriorityGroupMembership.objects.filter(person=woman, group="iom")
        assert [(m.start_date, m.end_date) for m in iom_rows] == [(iom.start_date, TODAY - timedelta(days=1))]
        assert woman not in members_on("iom", TODAY)
        assert woman in members_on("iom", TODAY - timedelta(days=2))  # counted on a past date

    def test_caseload_filters_by_group(self, partnership, worker):
        mappa = builders.person(last_name="Mappa", involved=[(partnership.probation, worker)])
        builders.flag(mappa, "mappa", mappa_category=1, mappa_level=1)
        builders.person(last_name="Other", involved=[(partnership.probation, worker)])
        priority_groups_refresh(actor=builders.actor(), person_ids=[mappa.pk])
        assert [p.last_name for p in caseload(builders.actor(worker), CaseloadFilters(group="mappa"))] == [
            "Mappa"
        ]

    def test_record_page_shows_groups(self, client, partnership, worker):
        subject = builders.person(last_name="Grouped", involved=[(partnership.probation, worker)])
        builders.flag(subject, "asb")
        priority_groups_refresh(actor=builders.actor(), person_ids=[subject.pk])
        client.force_login(worker)
        html = client.get(f"/people/{subject.pk}/risk/").content.decode()
        assert (
            "Priority groups" in html and "ASB perpetrator" in html and "ASB case or order recorded" in html
        )
