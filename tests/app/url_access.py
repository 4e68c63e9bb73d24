"""Walk every URL pattern as users who must be refused (tests/app/test_url_access.py) or as every role
(scripts/access_matrix.py): one small partnership where probation works with Owen Owned and every kind of
record hangs off him, the URL configuration read from Django's resolver (the API's routes included), and
one rule per named view saying who may use it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from desist.audit.models import AccessLogEntry, Action
from desist.imports.models import Upload
from desist.iom import services as iom
from desist.marac import services as marac
from desist.offences.services import offence_record
from desist.partnership.models import Role
from desist.premises import services as premises
from desist.premises.models import BedSpace, Premises
from desist.referrals import services as referrals
from desist.referrals.models import Service
from desist.release import services as release
from desist.victims import services as victims
from tests.app import builders
from tests.app.builders import TODAY, Partnership

MISSING = 999_999  # the number of a record that does not exist: refused exactly as one the user may not see
OWNER = "Owned"  # the surname of the person no refused user may see; a page that shows it leaks


@dataclass(frozen=True)
class Rule:
    """What an outsider gets from a view (a practitioner of an agency that does not work with Owen, with no
    special role): 404 (not found: the record is not theirs), 403 (their role may not use it) or 200 (open to
    every signed-in user, showing only what is theirs). `anonymous` is what a request without a session gets:
    302 to sign in for pages, 401 for the API, 200 for the few pages open to all."""

    outsider: int
    method: str = "GET"
    anonymous: int = 302
    body: dict[str, Any] = field(default_factory=dict)
    # The view's 404 means "there is no such thing" (an unpublished quarter), not a refusal of something that
    # exists: AccessContextMiddleware's net logs it. Any other refusal must be logged by the view itself.
    missing: bool = False


API_SIGN_IN = 401
# One rule per named view. A view without one fails tests/app/test_url_access.py: say who may use it.
RULES: dict[str, Rule] = {
    # Signing in and the shell.
    "login": Rule(302, anonymous=200),  # a signed-in user is sent on
    "logout": Rule(302, method="POST", anonymous=302),
    "password_set": Rule(200, anonymous=200),
    "home": Rule(302),
    "set_purpose": Rule(200, method="POST"),
    "work_queue": Rule(200),
    # Allocation (docs/allocation.md): team managers only; a team or case outside their teams is not found.
    "allocation": Rule(403),
    "allocation_team": Rule(404),
    "allocation_case": Rule(404),
    "allocation_transfer": Rule(404),
    "allocation_t2a": Rule(404, method="POST", body={"t2a": "yes"}),
    "allocation_practitioner": Rule(404),
    "allocation_practitioner_grade": Rule(404),
    "allocation_reduction_add": Rule(404),
    "allocation_reduction_end": Rule(404, method="POST"),
    "allocation_report_add": Rule(404),
    "allocation_report_complete": Rule(404, method="POST"),
    "allocation_contact_add": Rule(404),
    # The board's workload figures: aggregates per team, for every signed-in user like the rest of the board.
    "board_workload": Rule(200),
    "caseload": Rule(200),
    "search": Rule(200),
    "search_settled": Rule(204, method="POST"),
    "access_log": Rule(403),
    # Information governance (desist.sharing): the agreements are for everyone to read; the data protection
    # officer's page and reviews for the DPO only; emergency access is asked for by anyone, and reviewed.
    "sharing_agreements": Rule(200),
    "dpo": Rule(403),
    "emergency_review": Rule(403, method="POST"),
    "emergency_access": Rule(200),
    # Subject access requests (desist.subject_access): the data protection officer and administrators only;
    # the role is checked before the request is looked up.
    "subject_access_list": Rule(403),
    "subject_access_new": Rule(403),
    "subject_access_request": Rule(403),
    "subject_access_action": Rule(403, method="POST"),
    "subject_access_export": Rule(403),
    # Accounts: your own account and second factor; other users only for administrators.
    "account": Rule(200),
    "two_factor_verify": Rule(302),
    "two_factor_setup": Rule(200),
    "two_factor_remove": Rule(302, method="POST"),
    "two_factor_backup_codes": Rule(
        302
    ),  # shows codes only straight after they are made; else to the account
    "account_users": Rule(403),
    "account_user_reset": Rule(403, method="POST"),
    # A person's record and what hangs off it.
    "person": Rule(404),
    "person_risk": Rule(404),
    "person_sentences": Rule(404),
    "person_registers": Rule(404),
    "person_household": Rule(404),
    "person_offences": Rule(404),
    "person_agencies": Rule(404),
    "assessment_new": Rule(404),
    "offence_category": Rule(404, method="POST", body={"category": "Burglary (domestic)"}),
    "person_family": Rule(404),
    "family": Rule(404),
    "families_overlap": Rule(200),
    "person_release": Rule(404),
    "person_referrals": Rule(404),
    "book_bed": Rule(404),
    "person_victims": Rule(404),
    "person_victim_link": Rule(404, method="POST"),
    # Merges: seen with the record; merging and undoing for linkage reviewers only.
    "person_merges": Rule(404),
    "person_merge": Rule(403),
    "person_merge_undo": Rule(404, method="POST"),  # no such merge: refused as one the user may not touch
    # Restrictions: the case's offender manager, their team manager and the DPO; consent: whoever sees the
    # record (docs/information-governance.md). Refused as the record is to those who may not see it.
    "person_restrictions": Rule(404),
    "person_restriction_end": Rule(404, method="POST"),
    "person_consents": Rule(404),
    "person_consent_withdraw": Rule(404, method="POST"),
    # IOM.
    "iom_candidates": Rule(200),
    "iom_propose": Rule(403, method="POST"),
    "iom_cohort": Rule(200),
    "iom_membership": Rule(404),
    # Releases.
    "release_readiness": Rule(200),
    "release_early": Rule(200),
    "release_escalations": Rule(200),
    "release_escalation_resolve": Rule(404, method="POST"),
    "release_plan": Rule(404),
    "release_task": Rule(404, method="POST"),
    "release_date": Rule(404, method="POST"),
    "release_facts": Rule(404, method="POST"),
    "release_record": Rule(404, method="POST"),
    "release_plan_start": Rule(404, method="POST"),
    "release_adjustment_add": Rule(404, method="POST"),
    "release_recall_add": Rule(404, method="POST"),
    "release_recall_return": Rule(404, method="POST"),
    "release_sentence_add": Rule(404, method="POST"),
    "release_adjustment_remove": Rule(404, method="POST"),
    # Services, referrals and places.
    "referral_inbox": Rule(200),
    "referral_notices_read_all": Rule(302, method="POST"),
    "referral_notice_read": Rule(404, method="POST"),
    "referral": Rule(404),
    "referral_action": Rule(404, method="POST"),
    # Supervision: the chronology and appointments with the person's record; the diary is the user's own.
    "person_chronology": Rule(404),
    "contact_new": Rule(404),
    "appointment_book": Rule(404),
    "supervision_suspend": Rule(404),
    "appointment": Rule(404),
    "appointment_rearrange": Rule(404),
    "appointment_cancel": Rule(404),
    "supervision_resume": Rule(404),
    "diary": Rule(200),
    "diary_feed_token": Rule(302, method="POST"),
    # The calendar feed's address holds the secret: an unknown one is "no such calendar", without a sign-in.
    "diary_feed": Rule(404, anonymous=404, missing=True),
    "service_capacity": Rule(200),
    # Compliance and enforcement: with the person's record.
    "person_enforcement": Rule(404),
    "person_enforcement_action": Rule(404, method="POST"),
    "enforcement_failure": Rule(404),
    "enforcement_failure_action": Rule(404, method="POST"),
    "enforcement_warning_letter": Rule(404),
    "enforcement_recall_decide": Rule(404, method="POST"),
    # Electronic monitoring: the person's page and an alert with the record; the officer's own alerts are
    # open to every signed-in user (theirs only); feeds are probation staff's.
    "person_monitoring": Rule(404),
    "monitoring_order_create": Rule(404),
    "monitoring_alerts": Rule(200),
    "monitoring_alert": Rule(404),
    "monitoring_alert_action": Rule(404, method="POST"),
    "monitoring_feeds": Rule(403),
    "monitoring_feed": Rule(403),
    # Tracking with the police: the person's page refuses a person not seen (404), the list other roles (403).
    "person_tracking": Rule(404),
    "monitoring_tracking": Rule(403),
    "service_waiting_list": Rule(200),
    "premises_list": Rule(200),
    "premises_detail": Rule(200),
    "booking_action": Rule(404, method="POST"),
    # Victims: the victim liaison role only; to anyone else they answer 404, as if there were none.
    "victim_dashboard": Rule(404),
    "victim_notification": Rule(404),
    "victims": Rule(404),
    "victim_new": Rule(404),
    "victim": Rule(404),
    "victim_change": Rule(404),
    "victim_link": Rule(404, method="POST"),
    # MARAC: the referrals list and the VAWG figures for everyone (what is theirs; victims "restricted"); a
    # referral for the roles that support victims and the agencies on it; victims for those roles only.
    "marac": Rule(200),
    "marac_vawg": Rule(200),
    "marac_referral": Rule(404),
    "marac_action_add": Rule(404, method="POST"),
    "marac_referral_heard": Rule(404, method="POST"),
    "marac_perpetrator": Rule(404),
    "marac_action_status": Rule(404, method="POST"),
    "marac_victims": Rule(404),
    "marac_victim_new": Rule(404),
    "marac_victim": Rule(404),
    "marac_dash": Rule(404),
    "marac_refer": Rule(404),
    # Meetings: the series and their dates for everyone; a meeting for the agencies invited, its minutes for
    # those present, running it for a coordinator of a member agency; an action for its owner agency and the
    # agencies invited; the feed's address holds the secret.
    "meetings": Rule(200),
    "meeting_series": Rule(404),
    "meeting_series_overdue": Rule(404),
    "meeting_series_feed_token": Rule(404, method="POST"),
    "meeting_series_feed": Rule(404, anonymous=404, missing=True),
    "meeting": Rule(404),
    "meeting_agenda_build": Rule(404, method="POST"),
    "meeting_invite": Rule(404, method="POST"),
    "meeting_attendance": Rule(404),
    "meeting_action_add": Rule(404),
    "meeting_minutes": Rule(404),
    "meeting_agenda_pdf": Rule(404),
    "meeting_minutes_pdf": Rule(404),
    "meeting_item": Rule(404),
    "meeting_action": Rule(404),
    "mappa_referral_new": Rule(404),
    # The board: aggregates for everyone; publishing for analysts.
    "board": Rule(200),
    "board_definitions": Rule(200),
    "board_fairness": Rule(200),
    "board_validation": Rule(200),
    "board_export": Rule(200),
    "board_published": Rule(200),
    "board_publish": Rule(403, method="POST", body={"quarter": "2024Q1"}),
    "board_pack": Rule(404, missing=True),
    # The strategy plan: open to every user (aggregates); an action's update for its owner, a board meeting's
    # pack for the agencies invited and the board's members.
    "strategy": Rule(200),
    "strategy_board": Rule(200),
    "strategy_review": Rule(200),
    "strategy_action": Rule(404),
    "strategy_pack": Rule(404),
    # The IOM steering group's page: counts for everyone, the cohort list only of the people one may see.
    "iom_steering": Rule(200),
    # Imports and record linkage: an agency's administrators and analysts.
    "imports": Rule(403),
    "import_check": Rule(403),
    "import_mapping": Rule(403),
    "import_problems_csv": Rule(403),
    "import_run": Rule(403, method="POST"),
    "import_discard": Rule(403, method="POST"),
    "import_check_start": Rule(403, method="POST"),
    "import_check_encoding": Rule(403, method="POST"),
    "import_progress": Rule(403),
    "linkage": Rule(403),
    "linkage_train": Rule(403, method="POST"),
    "linkage_run": Rule(403, method="POST"),
    "linkage_queue": Rule(403),
    "linkage_blind": Rule(403, method="POST"),
    "linkage_pair": Rule(403),
    # The API: the same rules, a token or session required.
    "api:api-root": Rule(404, anonymous=404, missing=True),
    "api:openapi-json": Rule(200),
    "api:openapi-view": Rule(200),
    "api:list_people": Rule(200, anonymous=API_SIGN_IN),
    "api:list_caseload": Rule(200, anonymous=API_SIGN_IN),
    "api:get_person": Rule(404, anonymous=API_SIGN_IN),
    "api:get_sentences": Rule(404, anonymous=API_SIGN_IN),
    "api:get_risk": Rule(404, anonymous=API_SIGN_IN),
    "api:list_assessments": Rule(404, anonymous=API_SIGN_IN),
    "api:post_assessment": Rule(404, method="POST", anonymous=API_SIGN_IN),
    "api:list_releases": Rule(200, anonymous=API_SIGN_IN),
    "api:get_plan": Rule(404, anonymous=API_SIGN_IN),
    "api:set_pathway": Rule(404, method="POST", anonymous=API_SIGN_IN, body={"status": "in_progress"}),
    "api:update_task": Rule(404, method="POST", anonymous=API_SIGN_IN, body={"status": "done"}),
    "api:set_release_date": Rule(
        404,
        method="POST",
        anonymous=API_SIGN_IN,
        body={"release_date": (TODAY + timedelta(days=40)).isoformat()},
    ),
    "api:set_release_facts": Rule(
        404, method="POST", anonymous=API_SIGN_IN, body={"sentence_type": "standard"}
    ),
    "api:record_adjustment": Rule(
        404, method="POST", anonymous=API_SIGN_IN, body={"kind": "remand", "days": 3}
    ),
    "api:remove_adjustment": Rule(404, method="POST", anonymous=API_SIGN_IN),
    "api:record_sentence": Rule(
        404,
        method="POST",
        anonymous=API_SIGN_IN,
        body={"sentence_date": (TODAY - timedelta(days=10)).isoformat(), "years": 1},
    ),
    "api:get_release_dates": Rule(404, anonymous=API_SIGN_IN),
    "api:record_recall": Rule(
        404, method="POST", anonymous=API_SIGN_IN, body={"kind": "STANDARD", "recalled_on": TODAY.isoformat()}
    ),
    "api:record_recall_return": Rule(
        404, method="POST", anonymous=API_SIGN_IN, body={"returned_to_custody": TODAY.isoformat()}
    ),
    "api:merge_people": Rule(
        403, method="POST", anonymous=API_SIGN_IN, body={"absorbed": 1, "kept": 2, "reason": "same person"}
    ),
    "api:undo_merge": Rule(403, method="POST", anonymous=API_SIGN_IN, body={"reason": "not the same person"}),
    "api:record_release": Rule(
        404,
        method="POST",
        anonymous=API_SIGN_IN,
        body={"released_on": TODAY.isoformat(), "accommodation": "settled"},
    ),
    "api:needing": Rule(200, anonymous=API_SIGN_IN),
    "api:notices": Rule(200, anonymous=API_SIGN_IN),
    "api:notices_read": Rule(200, method="POST", anonymous=API_SIGN_IN),
    "api:notice_read": Rule(404, method="POST", anonymous=API_SIGN_IN),
    "api:person_referrals": Rule(404, anonymous=API_SIGN_IN),
    "api:make": Rule(404, method="POST", anonymous=API_SIGN_IN, body={"service": 0}),
    "api:act": Rule(404, method="POST", anonymous=API_SIGN_IN),
    "api:capacity": Rule(200, anonymous=API_SIGN_IN),
    "api:waiting": Rule(200, anonymous=API_SIGN_IN),
    "api:occupancy": Rule(200, anonymous=API_SIGN_IN),
    "api:book": Rule(
        404,
        method="POST",
        anonymous=API_SIGN_IN,
        body={
            "bed": 0,
            "expected_arrival": TODAY.isoformat(),
            "expected_departure": (TODAY + timedelta(days=7)).isoformat(),
        },
    ),
    "api:booking_action": Rule(404, method="POST", anonymous=API_SIGN_IN),
    "api:notifications": Rule(404, anonymous=API_SIGN_IN),
    "api:complete": Rule(404, method="POST", anonymous=API_SIGN_IN, body={"outcome": "told"}),
    "api:victims": Rule(404, anonymous=API_SIGN_IN),
    "api:victim_record": Rule(404, method="POST", anonymous=API_SIGN_IN, body={"reference": "VLU-9"}),
    "api:victim": Rule(404, anonymous=API_SIGN_IN),
    "api:victim_change": Rule(404, method="PATCH", anonymous=API_SIGN_IN, body={"name": "Changed"}),
    "api:victim_link": Rule(404, method="POST", anonymous=API_SIGN_IN, body={"offence_id": 0}),
    "api:marac_referrals": Rule(200, anonymous=API_SIGN_IN),
    "api:marac_vawg": Rule(200, anonymous=API_SIGN_IN),
    "api:marac_referral": Rule(404, anonymous=API_SIGN_IN),
    "api:marac_perpetrator_link": Rule(404, method="POST", anonymous=API_SIGN_IN, body={"person_id": None}),
    "api:marac_action_add": Rule(
        404, method="POST", anonymous=API_SIGN_IN, body={"agency": 0, "text": "Visit", "due_on": "2030-01-01"}
    ),
    "api:marac_victim_record": Rule(
        404, method="POST", anonymous=API_SIGN_IN, body={"reference": "MARAC-9", "name": "Vi Victim"}
    ),
    "api:marac_victim": Rule(404, anonymous=API_SIGN_IN),
    "api:marac_dash_record": Rule(
        404,
        method="POST",
        anonymous=API_SIGN_IN,
        body={"answers": ["yes"] * 24, "incident_on": TODAY.isoformat()},
    ),
    "api:marac_refer": Rule(
        404,
        method="POST",
        anonymous=API_SIGN_IN,
        body={"route": "escalation", "incident_on": TODAY.isoformat(), "police_call_outs": 5},
    ),
    "api:work": Rule(200, anonymous=API_SIGN_IN),
    "api:supervision_chronology": Rule(404, anonymous=API_SIGN_IN),
    "api:supervision_contact_record": Rule(
        404,
        method="POST",
        anonymous=API_SIGN_IN,
        body={"kind": "case_note", "occurred_at": "2024-01-01T10:00:00Z", "summary": "Seen"},
    ),
    "api:supervision_appointment_book": Rule(
        404,
        method="POST",
        anonymous=API_SIGN_IN,
        body={"practitioner": 0, "starts_at": "2030-01-01T10:00:00Z", "ends_at": "2030-01-01T11:00:00Z"},
    ),
    "api:supervision_appointment_outcome": Rule(
        404, method="POST", anonymous=API_SIGN_IN, body={"outcome": "failed_to_attend"}
    ),
    "api:enforcement_person": Rule(404, anonymous=API_SIGN_IN),
    "api:enforcement_awaiting": Rule(200, anonymous=API_SIGN_IN),
    "api:enforcement_judge": Rule(
        404, method="POST", anonymous=API_SIGN_IN, body={"judgement": "unacceptable", "reason": "None"}
    ),
    "api:enforcement_warn": Rule(404, method="POST", anonymous=API_SIGN_IN),
    "api:monitoring_person": Rule(404, anonymous=API_SIGN_IN),
    "api:monitoring_order_create": Rule(
        404,
        method="POST",
        anonymous=API_SIGN_IN,
        body={"kind": "trail", "start_date": "2026-01-01", "supplier": "acme", "device_id": "T"},
    ),
    "api:monitoring_alerts": Rule(200, anonymous=API_SIGN_IN),
    "api:monitoring_alert_acknowledge": Rule(404, method="POST", anonymous=API_SIGN_IN),
    "api:monitoring_alert_judge": Rule(
        404, method="POST", anonymous=API_SIGN_IN, body={"judgement": "unacceptable", "reason": "None"}
    ),
    "api:monitoring_feed_import": Rule(403, method="POST", anonymous=API_SIGN_IN),
    "api:monitoring_tracking": Rule(404, anonymous=API_SIGN_IN),
    "api:enforcement_refer": Rule(404, method="POST", anonymous=API_SIGN_IN),
    "api:meetings_series_list": Rule(200, anonymous=API_SIGN_IN),
    "api:meetings_meeting_get": Rule(404, anonymous=API_SIGN_IN),
    "api:meetings_actions_mine": Rule(200, anonymous=API_SIGN_IN),
    # The strategy plan: no plan in this partnership (a 404 that refuses nothing); an update for the owner.
    "api:strategy_plan_get": Rule(404, anonymous=API_SIGN_IN, missing=True),
    "api:allocation_unallocated_list": Rule(404, anonymous=API_SIGN_IN),
    "api:allocation_team_workload": Rule(404, anonymous=API_SIGN_IN),
    "api:allocation_case_allocate": Rule(404, method="POST", anonymous=API_SIGN_IN, body={"worker_id": 1}),
    "api:strategy_updates_due": Rule(200, anonymous=API_SIGN_IN),
    "api:strategy_action_update": Rule(
        404, method="POST", anonymous=API_SIGN_IN, body={"rag": "red", "comment": "Not mine"}
    ),
    "api:meetings_action_status": Rule(404, method="POST", anonymous=API_SIGN_IN, body={"status": "done"}),
    "api:meetings_mappa_refer": Rule(
        404, method="POST", anonymous=API_SIGN_IN, body={"level": 2, "category": 1, "reason": "Risk"}
    ),
    # A record's restrictions (its offender manager, team manager, the DPO) and consents (whoever sees it).
    "api:governance_restrictions": Rule(404, anonymous=API_SIGN_IN),
    "api:governance_restrict": Rule(
        404,
        method="POST",
        anonymous=API_SIGN_IN,
        body={"kind": "excluded", "who": "hana.housing", "reason": "Knows him", "contact": "The DPO"},
    ),
    "api:governance_restriction_end": Rule(404, method="POST", anonymous=API_SIGN_IN),
    "api:governance_consents": Rule(404, anonymous=API_SIGN_IN),
    "api:governance_consent_record": Rule(
        404,
        method="POST",
        anonymous=API_SIGN_IN,
        body={"agency": 1, "categories": ["addresses"], "scope": "Signed form", "given_on": "2026-01-01"},
    ),
    "api:governance_consent_withdraw": Rule(404, method="POST", anonymous=API_SIGN_IN),
    "api:subject_access_due": Rule(403, anonymous=API_SIGN_IN),
    "api:subject_access_get": Rule(403, anonymous=API_SIGN_IN),
    "api:subject_access_log": Rule(
        403,
        method="POST",
        anonymous=API_SIGN_IN,
        body={"person": MISSING, "requester_name": "Owen", "received_on": "2026-01-01"},
    ),
}


@dataclass
class World:
    """The small partnership: users by role, and Owen's records by the URL parameter that names them."""

    users: dict[str, User]
    ids: dict[str, Any]


def build_world(partnership: Partnership) -> World:
    p = partnership
    users = {
        "practitioner (probation, Owen's)": p.user("pat.probation", p.probation),
        "manager (probation)": p.user("mo.manager", p.probation, role=Role.MANAGER),
        "coordinator (probation)": p.user("cora.coordinator", p.probation, role=Role.COORDINATOR),
        "victim liaison (probation)": p.user("val.liaison", p.probation, role=Role.VICTIM_LIAISON),
        "analyst (probation)": p.user("ann.analyst", p.probation, role=Role.ANALYST),
        "administrator (probation)": p.user("adam.admin", p.probation, role=Role.ADMINISTRATOR),
        "practitioner (housing)": p.user("hana.housing", p.housing),
        "provider (treatment)": p.user("tina.treatment", p.treatment),
    }
    # An account for the administrator's reset page to act on (resetting a user the walk signs in as would
    # end that user's sessions).
    reset = p.user("rex.reset", p.police)
    pat = users["practitioner (probation, Owen's)"]
    officer = builders.actor(pat)
    owen = builders.person(
        first_name="Owen", last_name=OWNER, district=p.medway, involved=[(p.probation, pat), (p.prison, None)]
    )
    builders.person(
        first_name="Hal", last_name="Housed", involved=[(p.housing, users["practitioner (housing)"])]
    )
    sentence = builders.custody(
        owen, sentence_date=TODAY - timedelta(days=150), length_days=730, release=TODAY + timedelta(days=30)
    )
    sentence.establishment = p.prison
    sentence.save(update_fields=["establishment"])
    builders.offence_code("00800", "Violence", 0.1)
    offence = offence_record(
        actor=builders.actor(),
        person=owen,
        offence_code="00800",
        offence_date=TODAY - timedelta(days=200),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=150),
        disposal="custody",
        sentence_id=sentence.pk,
    )
    plan = release.release_plan_start(actor=officer, sentence=sentence)
    task = plan.tasks.first()
    service = Service.objects.create(
        name="Mental health treatment requirement",
        provider=p.treatment,
        pathway="health",
        capacity=2,
        response_days=5,
    )
    referral = referrals.referral_make(actor=officer, person=owen, service=service)
    notice = referrals.referral_details_change(actor=officer, referral=referral, detail="New address")
    hostel = Premises.objects.create(name="Medway Road Hostel", kind="hostel", provider=p.treatment)
    bed = BedSpace.objects.create(premises=hostel, name="Room 1")
    booking = premises.booking_make(
        actor=officer,
        person=owen,
        bed=bed,
        expected_arrival=TODAY + timedelta(days=3),
        expected_departure=TODAY + timedelta(days=30),
    )
    liaison = builders.actor(users["victim liaison (probation)"])
    victim = victims.victim_record(actor=liaison, reference="VLU-1", opted_in=True, wants_to_know=["release"])
    victims.victim_link(actor=liaison, victim=victim, offence=offence)
    notification = victim.notifications.first() if hasattr(victim, "notifications") else None
    marac_coordinator = builders.actor(p.user("mara.coordinator", p.police, role=Role.MARAC_COORDINATOR))
    marac_victim = marac.victim_record(actor=marac_coordinator, reference="MARAC-1", name="Vera Victim")
    _, marac_referral = marac.dash_record(
        actor=marac_coordinator, victim=marac_victim, answers=["yes"] * 24, incident_on=TODAY
    )
    assert marac_referral is not None
    marac_action = marac.action_add(
        actor=marac_coordinator, referral=marac_referral, agency=p.probation, text="Home visit", due_on=TODAY
    )
    membership = iom.cohort_propose(actor=builders.actor(users["coordinator (probation)"]), person=owen)
    upload = Upload.objects.create(
        agency=p.probation,
        file_name="probation.csv",
        content=b"ref\n1\n",
        file_sha256="0" * 64,
        uploaded_by=users["administrator (probation)"],
    )
    adjustment = release.adjustment_record(actor=officer, sentence=sentence, kind="remand", days=3)
    escalations = release.escalations_raise(actor=officer)  # noqa: F841 (raised for the plan, if due)
    from desist.release.models import Escalation

    escalation = Escalation.objects.filter(plan=plan).first()
    return World(
        users=users,
        ids={
            "person_id": owen.pk,
            "offence_id": offence.pk,
            "sentence_id": sentence.pk,
            "plan_id": plan.pk,
            "task_id": task.pk if task else MISSING,
            "referral_id": referral.pk,
            "notice_id": notice.pk,
            "service_id": service.pk,
            "premises_id": hostel.pk,
            "booking_id": booking.pk,
            "victim_id": victim.pk,
            "notification_id": notification.pk if notification else MISSING,
            "membership_id": membership.pk,
            "marac_victim_id": marac_victim.pk,
            "marac_referral_id": marac_referral.pk,
            "marac_action_id": marac_action.pk,
            "adjustment_id": adjustment.pk,
            "recall_id": MISSING,
            "upload_id": upload.pk,
            "escalation_id": escalation.pk if escalation else MISSING,
            "family_id": MISSING,
            "pair_id": MISSING,
            "merge_id": MISSING,
            "team_id": MISSING,
            "involvement_id": owen.involvements.get(agency=p.probation).pk,
            "request_id": MISSING,
            "user_id": reset.pk,
            "action": "acknowledge",
            "pathway": "accommodation",
            "fmt": "csv",
            "quarter": "2024Q1",
            "uidb64": "MQ",
            "token": "set-password",
        },
    )


@dataclass(frozen=True)
class Route:
    name: str
    route: str


def routes() -> Iterator[Route]:
    """Every named URL pattern from Django's resolver, the API's routes included, the admin left to its own
    tests (it answers every user without staff status with its sign-in page)."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield Route(
                    namespace + (pattern.name or f"<unnamed {prefix}{pattern.pattern}>"),
                    prefix + str(pattern.pattern),
                )

    yield from walk(get_resolver().url_patterns, "", "")


def url_for(route: Route, ids: dict[str, Any]) -> str:
    """The route with each parameter filled with the number of Owen's record of that kind."""
    import re

    def fill(match: re.Match[str]) -> str:
        return str(ids.get(match.group(1), MISSING))

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route.route)


@dataclass(frozen=True)
class Outcome:
    status: int
    logged: bool  # a `denied` entry was written for this request
    by_net: bool  # ... only by AccessContextMiddleware's net, not by the view's own refusal
    leaked: bool  # Owen's name is in a page that answered 200


def request(client: Client, route: Route, rule: Rule, ids: dict[str, Any], user: User | None) -> Outcome:
    """One request as `user` (None: anonymous), with the method and body the rule gives; whatever it changes
    is rolled back, so every request meets the same partnership."""
    client.logout()
    if user is not None:
        client.force_login(user)
    with transaction.atomic():
        outcome = _request(client, route, rule, ids)
        transaction.set_rollback(True)
    return outcome


def _request(client: Client, route: Route, rule: Rule, ids: dict[str, Any]) -> Outcome:
    before = (
        AccessLogEntry.objects.filter(action=Action.DENIED)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )
    url = url_for(route, ids)
    if rule.method in ("POST", "PATCH", "PUT") and route.name.startswith("api:"):
        response = client.generic(rule.method, url, json.dumps(rule.body), content_type="application/json")
    elif rule.method == "POST":
        response = client.post(url, rule.body)
    else:
        response = client.get(url)
    written = list(
        AccessLogEntry.objects.filter(action=Action.DENIED, pk__gt=before).values_list("detail", flat=True)
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Outcome(
        status=response.status_code,
        logged=bool(written),
        by_net=bool(written) and all("view" in (d or {}) for d in written),
        leaked=response.status_code == 200 and OWNER.encode() in body,
    )
