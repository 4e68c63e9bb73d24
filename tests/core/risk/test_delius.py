"""Tier inputs as nDelius holds them (hmpps-tier DeliusApiService.kt, MandateForChange.kt, and the edge cases
of its integration/v2/RegistrationEdgeCasesTest.kt and mandateForChange.9.5.feature)."""

from __future__ import annotations

from datetime import date

import pytest

from desist.risk import (
    DeliusConviction,
    DeliusRegistration,
    DeliusRequirement,
    RiskInputError,
    has_no_mandate,
    registrations_from_delius,
    tier_from_delius,
    tier_two_axis,
)

AS_OF = date(2026, 6, 9)


def reg(code: str, on: date = date(2024, 1, 1), level: str | None = None, category: str | None = None):
    return DeliusRegistration(code=code, date=on, level=level, category=category)


def test_no_registrations() -> None:
    derived = registrations_from_delius([])
    assert (derived.rosh, derived.mappa_level, derived.mappa_category, derived.registration_keys()) == (
        None,
        None,
        None,
        (),
    )


def test_the_newest_mappa_registration_gives_the_level() -> None:
    # RegistrationEdgeCasesTest "uses latest registration - two mappa registrations present": M2 (2021) wins.
    derived = registrations_from_delius(
        [reg("MAPP", date(2020, 2, 1), "M1", "M1"), reg("MAPP", date(2021, 2, 1), "M2", "M2")]
    )
    assert (derived.mappa_level, derived.mappa_category) == ("M2", "M2")


def test_historic_registrations_are_left_out() -> None:
    # RegistrationEdgeCasesTest "exclude historic registrations from tier calculation": HREG with M2 → none.
    assert registrations_from_delius([reg("HREG", level="M2")]).mappa_level is None


def test_an_invalid_mappa_level_is_skipped() -> None:
    # RegistrationEdgeCasesTest: a MAPP registration with level M0 gives no level; an older valid one counts.
    assert registrations_from_delius([reg("MAPP", date(2008, 10, 24), "M0")]).mappa_level is None
    derived = registrations_from_delius(
        [reg("MAPP", date(2020, 1, 1), "M0", "M9"), reg("MAPP", date(2010, 1, 1), "M3", "M2")]
    )
    # The level skips M0 to the older M3; the category is the newest MAPP registration's, M9 → none.
    assert (derived.mappa_level, derived.mappa_category) == ("M3", None)


def test_two_thirds_makes_the_case_unsupervised() -> None:
    # RegistrationEdgeCasesTest "uses two thirds registration to add suffix to tier".
    assert registrations_from_delius([reg("PRC")]).unsupervised is True


def test_the_newest_rosh_registration_counts() -> None:
    derived = registrations_from_delius([reg("RLRH", date(2020, 1, 1)), reg("RVHR", date(2023, 1, 1))])
    assert derived.rosh == "very_high"


@pytest.mark.parametrize(
    ("code", "key"),
    [("ADVP", "domestic_abuse"), ("REG30", "domestic_abuse"), ("SPO", "stalking"), ("IIOM", "iom")],
)
def test_flag_registrations(code: str, key: str) -> None:
    assert key in registrations_from_delius([reg(code)]).registration_keys()


def test_complexity_factors_once_each_and_child_protection_is_both() -> None:
    derived = registrations_from_delius([reg("RMDO"), reg("RMDO"), reg("RCPR"), reg("RTAO")])
    assert derived.complexity_factors == ("mental_health", "child_protection", "terrorism")
    assert derived.has_child_protection is True


def test_an_unknown_code_is_an_error_that_names_it() -> None:
    with pytest.raises(RiskInputError, match=r"unknown registration code.*XYZ1"):
        registrations_from_delius([reg("RMDO"), reg("XYZ1")])
    # A register the deployment holds but the tier does not read is named, then passed over.
    assert registrations_from_delius([reg("XYZ1")], other_codes={"XYZ1"}).registration_keys() == ()


@pytest.mark.parametrize(
    ("convictions", "no_mandate"),
    [
        # mandateForChange.9.5.feature and MandateForChange.kt.
        ([DeliusConviction("SC")], False),  # custodial
        ([DeliusConviction("NC")], False),
        ([DeliusConviction("SP", (DeliusRequirement("W", False),))], True),  # unpaid work only
        ([DeliusConviction("SP", (DeliusRequirement("W1", False),))], True),
        ([DeliusConviction("SP", (DeliusRequirement("J", True),))], True),  # restrictive only
        ([DeliusConviction("SP", (DeliusRequirement("W", False), DeliusRequirement("J", True)))], True),
        ([DeliusConviction("SP", (DeliusRequirement("F", False),))], False),  # a non-restrictive requirement
        ([DeliusConviction("SC", termination_date=date(2020, 1, 1))], True),  # terminated: not current
        ([], True),
    ],
)
def test_mandate_for_change_from_convictions(convictions: list[DeliusConviction], no_mandate: bool) -> None:
    assert has_no_mandate(convictions) is no_mandate


def test_a_requirement_needs_its_restrictive_flag() -> None:
    with pytest.raises(RiskInputError, match="restrictive must be True or False"):
        has_no_mandate([DeliusConviction("SP", (DeliusRequirement("F", None),))])  # type: ignore[arg-type]


def test_a_tier_from_delius_registrations() -> None:
    result = tier_from_delius(
        registrations=[reg("MAPP", level="M1", category="M2"), reg("RHRH"), reg("SPO"), reg("ADVP")],
        has_active_event=True,
        latest_release_date=None,
        arp_percent=0.0,
        csrp_percent=0.0,
        as_of=AS_OF,
    )
    assert (result.tier, result.provisional) == ("C", False)  # MAPPA with high RoSH
    assert (
        tier_from_delius(
            registrations=[],
            has_active_event=False,
            latest_release_date=None,
            arp_percent=None,
            csrp_percent=None,
        ).status
        == "not_supervised"
    )
    lifer = tier_from_delius(
        registrations=[reg("INLL"), reg("RLRH")],
        has_active_event=True,
        latest_release_date=date(2026, 1, 1),
        arp_percent=0.0,
        csrp_percent=0.0,
        as_of=AS_OF,
    )
    assert lifer.tier == "B"


def test_the_same_derived_registrations_feed_the_two_axis_tier() -> None:
    derived = registrations_from_delius([reg("MAPP", level="M2", category="M1"), reg("RMDO"), reg("STRG")])
    result = tier_two_axis(
        rsr_percent=None,
        rosh=derived.rosh,
        mappa_level=derived.mappa_level,
        mappa_category=derived.mappa_category,
        registrations=derived.registration_keys(),
        sex="male",
        women_factors=None,
        has_mandate_for_change=True,
        has_current_assessment=True,
        needs={},
        ogrs_percent=None,
        is_iom_nominal=derived.has_iom_nominal,
    )
    assert result.protect_points == 150 + 2 + 2


def test_a_tier_worked_out_from_desists_own_predictors() -> None:
    from desist.risk import arp_static, csrp, dcsrp, iicsrp, svrp_static, tier_from_calculated

    person = {
        "sex": "male",
        "date_of_birth": date(1990, 1, 1),
        "conviction_date": date(2024, 1, 1),
        "age_at_first_sanction": 18,
        "total_sanctions": 2,
        "assessment_date": date(2025, 1, 1),
        "follow_up_start": date(2026, 1, 1),
    }
    arp = arp_static(**person, offence_group="criminal_damage")  # 13.66%: the service's own case
    svrp = svrp_static(**person, violent_sanctions=2, offence_group="violence_against_the_person_abh_plus")
    sexual = dcsrp(
        sex="male",
        date_of_birth=date(1990, 1, 1),
        ever_committed_sexual_offence=False,
        follow_up_start=date(2026, 1, 1),
        total_sanctions=2,
        supervision_status="community",
        assessment_date=date(2025, 1, 1),
    )
    images = iicsrp(sex="male", ever_committed_sexual_offence=False)
    combined = csrp(
        svrp_percent=svrp.score,
        dcsrp_percent=sexual.score,
        iicsrp_percent=images.score,
        sex="male",
        ever_committed_sexual_offence=False,
    )
    result = tier_from_calculated(
        registrations=[reg("RMRH")],
        has_active_event=True,
        latest_release_date=None,
        arp=arp,
        svrp=svrp,
        csrp=combined,
        dcsrp=sexual,
        as_of=AS_OF,
    )
    # ARP 13.66 (column ≥ 0), CSRP 0.15 (row ≥ 0): G; static predictors: provisional unless something gives A.
    assert (result.tier, result.provisional) == ("G", True)
    assert any("ARP and CSRP are static" in reason for reason in result.provisional_reasons)
