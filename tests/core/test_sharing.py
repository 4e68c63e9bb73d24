"""The sharing rules (desist.core.sharing; issue 16, items 1 to 4): which categories an agreement gives a
membership, for which purpose, on which day; consent; review dates; break-glass expiry; unusual access."""

from datetime import date, datetime, timedelta

import pytest

from desist.core import sharing as s

ON = date(2026, 6, 1)
PROBATION = s.Membership(agency_id=1, agency_kind="probation", role="practitioner")
VLO = s.Membership(agency_id=1, agency_kind="probation", role="victim_liaison")
HOUSING = s.Membership(agency_id=2, agency_kind="housing", role="practitioner")
VOLUNTARY = s.Membership(agency_id=3, agency_kind="voluntary", role="practitioner")


def grant(**kw):
    base = {"agreement_id": 1, "categories": frozenset({s.IDENTITY}), "valid_from": date(2026, 1, 1)}
    return s.Grant(**(base | kw))


def test_an_agreement_in_force_shares_its_categories_with_its_recipients_only():
    g = grant(recipient_kind="housing", categories=frozenset({s.IDENTITY, s.ADDRESSES}))
    assert s.sharing([g], [HOUSING], purpose="case_management", on=ON).outright == {s.IDENTITY, s.ADDRESSES}
    assert s.sharing([g], [PROBATION], purpose="case_management", on=ON).outright == frozenset()


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "shared"),
    [
        (date(2026, 6, 1), None, True),  # from the first day
        (date(2026, 6, 2), None, False),  # not yet
        (date(2026, 1, 1), date(2026, 6, 1), True),  # to the last day, inclusive
        (date(2026, 1, 1), date(2026, 5, 31), False),  # ended
    ],
)
def test_an_agreement_applies_from_and_to_its_dates(valid_from, valid_to, shared):
    g = grant(recipient_kind="housing", valid_from=valid_from, valid_to=valid_to)
    assert bool(s.sharing([g], [HOUSING], purpose="x", on=ON).outright) is shared


def test_an_agreement_serves_only_its_purposes_and_an_empty_list_serves_every_purpose():
    g = grant(recipient_kind="housing", purposes=frozenset({"case_management"}))
    assert s.sharing([g], [HOUSING], purpose="case_management", on=ON).outright
    assert not s.sharing([g], [HOUSING], purpose="performance", on=ON).outright
    assert not s.sharing([g], [HOUSING], purpose="", on=ON).outright
    assert s.sharing([grant(recipient_kind="housing")], [HOUSING], purpose="", on=ON).outright


def test_roles_narrow_an_agreement_victims_to_victim_liaison_only():
    g = grant(
        recipient_kind="probation",
        recipient_roles=frozenset({"victim_liaison"}),
        categories=frozenset({s.VICTIMS}),
    )
    assert s.sharing([g], [VLO], purpose="x", on=ON).outright == {s.VICTIMS}
    assert s.sharing([g], [PROBATION], purpose="x", on=ON).outright == frozenset()


def test_an_agreement_naming_one_agency_reaches_that_agency_only():
    g = grant(recipient_agency_id=2)
    assert s.sharing([g], [HOUSING], purpose="x", on=ON).outright == {s.IDENTITY}
    assert not s.sharing([g], [PROBATION], purpose="x", on=ON).outright


def test_a_user_of_two_agencies_sees_the_union():
    a = grant(recipient_kind="housing", categories=frozenset({s.ADDRESSES}))
    b = grant(agreement_id=2, recipient_kind="probation", categories=frozenset({s.RISK}))
    assert s.sharing([a, b], [HOUSING, PROBATION], purpose="x", on=ON).outright == {s.ADDRESSES, s.RISK}


def test_consent_shares_only_what_the_person_consented_to_and_only_with_that_agency():
    g = grant(recipient_kind="voluntary", basis=s.CONSENT, categories=frozenset({s.ADDRESSES, s.HEALTH}))
    decided = s.sharing([g], [VOLUNTARY], purpose="x", on=ON)
    assert decided.outright == frozenset()
    assert decided.for_person([]) == frozenset()
    assert decided.for_person([(3, [s.HEALTH, s.RISK])]) == {s.HEALTH}  # RISK: consented, not agreed
    assert decided.for_person([(2, [s.HEALTH])]) == frozenset()  # consent to another agency


def test_unknown_categories_are_never_shared():
    g = grant(recipient_kind="housing", categories=frozenset({"bank_details", s.IDENTITY}))
    assert s.sharing([g], [HOUSING], purpose="x", on=ON).outright == {s.IDENTITY}


@pytest.mark.parametrize(
    ("review", "valid_to", "due"),
    [
        (ON + timedelta(days=30), None, True),  # the last day of the warning
        (ON + timedelta(days=31), None, False),
        (ON - timedelta(days=1), None, True),  # overdue
        (ON + timedelta(days=365), ON + timedelta(days=10), True),  # ending soon
    ],
)
def test_review_due(review, valid_to, due):
    assert s.review_due(review, valid_to, on=ON, warn_days=30) is due


def test_break_glass_lasts_the_set_minutes_and_never_zero():
    start = datetime(2026, 6, 1, 10, 0)
    assert s.emergency_expires(start, minutes=60) == datetime(2026, 6, 1, 11, 0)
    with pytest.raises(ValueError):
        s.emergency_expires(start, minutes=0)


def test_out_of_the_ordinary_counts_records_without_a_caseload_relation():
    assert s.out_of_the_ordinary(40, 10, threshold=30)
    assert not s.out_of_the_ordinary(40, 11, threshold=30)


def test_a_health_services_chronology_entry_is_health_data_too():
    assert s.entry_categories("probation") == {s.CONTACTS}
    assert s.entry_categories("treatment") == s.entry_categories("health") == {s.CONTACTS, s.HEALTH}
    assert s.recorders_withheld(frozenset({s.IDENTITY})) is None  # no other agency's entry at all
    assert s.recorders_withheld(frozenset({s.CONTACTS})) == {"health", "treatment"}
    assert s.recorders_withheld(frozenset({s.CONTACTS, s.HEALTH})) == frozenset()
