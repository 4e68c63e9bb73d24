"""The default retention schedule (docs/retention.md gives each figure's source). An administrator edits the
rules in the admin; a rule a partnership chose rather than took from a published schedule says so."""

from django.db import migrations

MOPI = "College of Policing, Authorised Professional Practice: Management of Police Information (MoPI), "
HMPPS = "HMPPS Records Retention and Disposition Schedule (probation), "
NHS = "NHS England, Records Management Code of Practice 2023, retention schedule: "

DEFAULTS = [
    {
        "kind": "person-100",
        "label": "A person's whole record, at their 100th birthday",
        "model": "people.person",
        "date_field": "date_of_birth",
        "years": 100,
        "review_group": "MoPI group 1",
        "source": MOPI + "group 1 (certain public protection matters): retained until the subject is 100 years old.",
    },
    {
        "kind": "offence-clear-6y",
        "label": "Offences, six clear years after the person's latest",
        "model": "offences.offence",
        "date_field": "outcome_date",
        "condition": {"domestic_abuse": False},
        "per_person": True,
        "years": 6,
        "review_group": "MoPI group 3",
        "source": MOPI + "group 3 (all other offences): a six-year clear period, then review. desist does not "
        "tell group 2 offences from group 3 by code: a partnership choice, reviewed with the police.",
        "partnership_choice": True,
    },
    {
        "kind": "offence-domestic-10y",
        "label": "Domestic abuse offences, ten clear years after the person's latest",
        "model": "offences.offence",
        "date_field": "outcome_date",
        "condition": {"domestic_abuse": True},
        "per_person": True,
        "years": 10,
        "review_group": "MoPI group 2",
        "source": MOPI + "group 2 (other sexual, violent or serious offences): reviewed every ten years.",
    },
    {
        "kind": "contact-6y",
        "label": "Supervision contacts, six years after the contact",
        "model": "supervision.contact",
        "date_field": "occurred_at",
        "years": 6,
        "review_group": "Probation case records",
        "source": HMPPS + "probation case records: six years after the end of supervision (the partnership "
        "reads a contact's own date as the trigger: a partnership choice).",
        "partnership_choice": True,
    },
    {
        "kind": "appointment-6y",
        "label": "Supervision appointments, six years after the appointment",
        "model": "supervision.appointment",
        "date_field": "starts_at",
        "years": 6,
        "review_group": "Probation case records",
        "source": HMPPS + "probation case records: six years after the end of supervision (partnership choice "
        "of trigger, as for contacts).",
        "partnership_choice": True,
    },
    {
        "kind": "health-referral-8y",
        "label": "Health and treatment referrals, eight years after they end",
        "model": "referrals.referral",
        "date_field": "ended_on",
        "condition": {"need__in": ["health", "drugs_alcohol"]},
        "years": 8,
        "review_group": "NHS adult health records",
        "source": NHS + "adult health records, eight years after the conclusion of treatment.",
    },
    {
        "kind": "monitoring-event-6y",
        "label": "Electronic monitoring events, six years after the event",
        "model": "monitoring.monitoringevent",
        "date_field": "occurred_at",
        "years": 6,
        "review_group": "Electronic monitoring",
        "source": "No published figure found for a partnership's copy of monitoring events: six years, as for "
        "probation case records (partnership choice).",
        "partnership_choice": True,
    },
    {
        "kind": "access-log-6y",
        "label": "The access log, six years after each entry",
        "model": "audit.accesslogentry",
        "date_field": "at",
        "years": 6,
        "review_group": "DPA 2018 s.62 logs",
        "source": "Data Protection Act 2018 s.62 sets no period: the logs are kept for as long as they serve "
        "s.62(4) (verifying lawful processing, self-monitoring, integrity and security, criminal "
        "proceedings) and can be given to the Commissioner (s.62(5)). Six years (the Limitation Act 1980's "
        "period for a claim) is a partnership choice; reported by the schedule, never deleted by it.",
        "partnership_choice": True,
    },
]


def add(apps, schema_editor):
    rule = apps.get_model("retention", "RetentionRule")
    for values in DEFAULTS:
        rule.objects.update_or_create(kind=values["kind"], defaults=values)


def remove(apps, schema_editor):
    apps.get_model("retention", "RetentionRule").objects.filter(kind__in=[d["kind"] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_schedule")]

    operations = [migrations.RunPython(add, remove)]
