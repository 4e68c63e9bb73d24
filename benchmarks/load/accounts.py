"""Sign-ins for the load test (benchmarks/bench_load.py), in a database that holds a built demo partnership.

The demo gives one login per agency (`manage.py build_demo` prints them). A load test needs many distinct
practitioners, each with a caseload, so this gives the demo's own synthetic practitioners who lead the most
current cases (never the demo logins) one password, new and random for each run, hashed once with the
configured hasher and written only to a file readable by its owner. It adds the load test's performance
analysts (the board) and importers (an agency of their own each, with a saved column mapping, so an upload
goes straight to its check). Nothing in the product changes: sign-in, lockouts, two-factor rules and the
purpose question apply to these users as to any other. It refuses a database without a demo build, so it
never hands out passwords in a partnership's real database.

    DATABASE_URL=... .venv/bin/python benchmarks/load/accounts.py --practitioners 200 --analysts 20 \
        --importers 5 --out /tmp/load-users.json
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
IMPORT_COLUMNS = ["record_id", "first_name", "last_name", "date_of_birth"]


class NoDemo(Exception):
    """The database holds no demo build."""


def _setup() -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def prepare(*, practitioners: int, analysts: int, importers: int, tag: str) -> dict[str, Any]:
    """Give the load test's users a sign-in; return the accounts (usernames, the one password, the tag)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import transaction

    from desist.audit.context import system_actor
    from desist.demo.models import DemoBuild
    from desist.imports import selectors as import_selectors
    from desist.imports import services as import_services
    from desist.partnership.models import Agency, AgencyKind, Membership, Role
    from desist.people.models import Involvement

    if not DemoBuild.objects.exists():
        raise NoDemo("This database holds no demo build: the load test signs in only as demo users.")
    password = f"load-{secrets.token_urlsafe(18)}"
    hashed = make_password(password)  # once: the same hash serves every load-test user
    with transaction.atomic():
        leads = Counter(
            Involvement.objects.filter(
                end_date__isnull=True,
                lead_worker__isnull=False,
                lead_worker__memberships__role=Role.PRACTITIONER,
            )
            .exclude(lead_worker__username__startswith="demo.")
            .values_list("lead_worker__username", flat=True)
        )
        chosen = [name for name, _ in sorted(leads.items(), key=lambda item: (-item[1], item[0]))]
        chosen = chosen[:practitioners]
        User.objects.filter(username__in=chosen).update(password=hashed, is_active=True)

        community_safety = (
            Agency.objects.filter(kind=AgencyKind.COUNCIL_COMMUNITY_SAFETY).order_by("id").first()
        )
        if community_safety is None:
            raise NoDemo("The demo has no community safety agency for the board's analysts.")
        analyst_names = [f"load.analyst{n:03d}" for n in range(1, analysts + 1)]
        for name in analyst_names:
            user, _ = User.objects.update_or_create(
                username=name,
                defaults={"first_name": "Load", "last_name": f"Analyst {name[-3:]}", "password": hashed},
            )
            Membership.objects.update_or_create(
                user=user, agency=community_safety, defaults={"role": Role.ANALYST}
            )
        importer_names = [f"load.importer{n:02d}" for n in range(1, importers + 1)]
        for n, name in enumerate(importer_names, start=1):
            agency, _ = Agency.objects.get_or_create(
                code=f"load-import-{n:02d}",
                defaults={"name": f"Load test extracts {n:02d}", "kind": AgencyKind.VOLUNTARY},
            )
            user, _ = User.objects.update_or_create(
                username=name,
                defaults={"first_name": "Load", "last_name": f"Importer {n:02d}", "password": hashed},
            )
            Membership.objects.update_or_create(user=user, agency=agency, defaults={"role": Role.ANALYST})
            current = import_selectors.current_mapping(agency)
            if current is None or sorted(current.columns) != sorted(IMPORT_COLUMNS[1:]):
                import_services.mapping_save(
                    actor=system_actor(),
                    agency=agency,
                    record_id_column="record_id",
                    date_format="auto",
                    columns={c: c for c in IMPORT_COLUMNS[1:]},
                )
    return {
        "tag": tag,
        "password": password,
        "practitioners": chosen,
        "analysts": analyst_names,
        "importers": importer_names,
    }


def counts(*, tag: str) -> dict[str, int]:
    """What the run wrote, as the database holds it: contacts with the run's tag, and the run's uploads by
    state."""
    from desist.imports.models import Upload
    from desist.supervision.models import Contact

    uploads = Counter(
        Upload.objects.filter(file_name__startswith=f"load-{tag}-").values_list("state", flat=True)
    )
    return {
        "contacts": Contact.objects.filter(summary__startswith=f"Load test {tag}:").count(),
        **{f"uploads_{state}": n for state, n in uploads.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--practitioners", type=int, default=200)
    parser.add_argument("--analysts", type=int, default=20)
    parser.add_argument("--importers", type=int, default=5)
    parser.add_argument("--tag", default=secrets.token_hex(4), help="marks the run's writes")
    parser.add_argument("--out", type=Path, help="write the accounts here (readable by you only)")
    parser.add_argument("--counts", action="store_true", help="print what the run with --tag wrote, as JSON")
    args = parser.parse_args()
    _setup()
    if args.counts:
        print(json.dumps(counts(tag=args.tag)))
        return
    try:
        accounts = prepare(
            practitioners=args.practitioners, analysts=args.analysts, importers=args.importers, tag=args.tag
        )
    except NoDemo as error:
        sys.exit(f"accounts: {error}")
    text = json.dumps(accounts, indent=1)
    if args.out is None:
        print(text)
        return
    args.out.touch(mode=0o600)
    args.out.chmod(0o600)
    args.out.write_text(text)
    print(
        f"accounts: {len(accounts['practitioners'])} practitioners, {len(accounts['analysts'])} analysts, "
        f"{len(accounts['importers'])} importers in {args.out}"
    )


if __name__ == "__main__":
    main()
