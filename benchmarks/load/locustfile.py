"""The load test's users (issue 17, item 2), for Locust; benchmarks/bench_load.py starts gunicorn, the task
worker and Locust, and checks the figures. Each user signs in as a distinct account from the file named by
LOAD_ACCOUNTS (benchmarks/load/accounts.py writes it), through the sign-in form with its CSRF token, and
states the purpose of access, as a person would.

- Practitioner: the work queue, My caseload, a search for someone on the caseload, their record and
  chronology; and once a minute a write: records a contact in the chronology of someone on the caseload.
- Analyst: the board (and now and then its definitions), as the strategy board's analysts read it.
- Importer: uploads a small extract (20 new records) through the import page, waits while the task worker
  checks it, confirms the import, and waits again until it is imported.

Think times (seconds between pages) come from LOAD_THINK ("min,max", default "10,30"); the write interval
from LOAD_WRITE_EVERY (default 60). Writes carry the run's tag, so bench_load.py counts them in the database
afterwards ("no lost writes").
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from html.parser import HTMLParser
from itertools import count
from typing import Any

from locust import HttpUser, between, task
from locust.exception import StopUser

ACCOUNTS: dict[str, Any] = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())  # noqa: SIM115
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "10,30").split(","))
WRITE_EVERY = float(os.environ.get("LOAD_WRITE_EVERY", "60"))
IMPORT_ROWS = 20
TAG = ACCOUNTS["tag"]
PERSON_LINK = re.compile(r'href="/people/(\d+)/"[^>]*>([^<]+)<')
FIRST_NAMES = ["Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Terry", "Lee", "Jamie", "Kim"]
LAST_NAMES = ["Ashdown", "Brook", "Chalk", "Downe", "Elmley", "Faversham", "Gore", "Hythe", "Iwade", "Jury"]


def _accounts(kind: str) -> Any:
    names = list(ACCOUNTS[kind])
    return iter(names)


_free = {kind: _accounts(kind) for kind in ("practitioners", "analysts", "importers")}
_uploads = count(1)


class Forms(HTMLParser):
    """The forms of a page: each form's action and its fields' values as the page fills them in (the first
    option of a select with none chosen)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"] if self.forms else {}
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "file"):
                fields[a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a or (self._select not in fields and value):
                fields[self._select] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field: str) -> dict[str, Any]:
    for form in forms_of(html):
        if field in form["fields"]:
            return form
    raise LookupError(f"no form with {field!r}")


class Signed(HttpUser):
    abstract = True
    kind = ""
    purpose = "case_management"

    def on_start(self) -> None:
        try:
            self.username = next(_free[self.kind])
        except StopIteration:
            raise StopUser() from None  # more users than accounts: the driver never asks for that
        page = self.client.get("/accounts/login/", name="sign in [form]")
        token = form_with(page.text, "csrfmiddlewaretoken")["fields"]["csrfmiddlewaretoken"]
        with self.client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": self.username, "password": ACCOUNTS["password"]},
            name="sign in",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure(f"{self.username} was not signed in")
                raise StopUser()
        # The purpose of access, stated once for the session (the first page with person data asks it).
        purpose = self.client.get("/purpose/?next=/", name="purpose of access [form]")
        fields = form_with(purpose.text, "other_reason")["fields"]
        self.client.post("/purpose/", data={**fields, "purpose": self.purpose}, name="purpose of access")

    def page(self, path: str, name: str | None = None) -> Any:
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if (
                response.status_code != 200
                or "/accounts/login/" in response.url
                or "/purpose/" in response.url
            ):
                response.failure(f"{response.status_code} at {response.url}")
            return response


class Practitioner(Signed):
    kind = "practitioners"
    wait_time = between(*THINK)
    fixed_count = int(os.environ.get("LOAD_PRACTITIONERS", "200"))

    def on_start(self) -> None:
        super().on_start()
        self.caseload: list[tuple[str, str]] = []
        self.next_write = time.monotonic() + random.uniform(0, WRITE_EVERY)  # writes spread across the minute

    def _someone(self) -> tuple[str, str] | None:
        if not self.caseload:
            page = self.page("/caseload/")
            self.caseload = list(dict.fromkeys(PERSON_LINK.findall(page.text)))
        return random.choice(self.caseload) if self.caseload else None

    def _write_if_due(self) -> bool:
        if time.monotonic() < self.next_write:
            return False
        self.next_write += WRITE_EVERY
        someone = self._someone()
        if someone is None:
            return False
        person_id = someone[0]
        path = f"/people/{person_id}/chronology/record/"
        page = self.page(path, name="/people/[id]/chronology/record/ [form]")
        fields = form_with(page.text, "summary")["fields"]
        fields.update(summary=f"Load test {TAG}: {self.username} checked in", outcome="Kept in touch")
        with self.client.post(
            path, data=fields, name="record a contact", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or "/chronology/" not in response.headers.get("Location", ""):
                response.failure(f"not recorded: {response.status_code}")
        return True

    @task(3)
    def work_queue(self) -> None:
        if not self._write_if_due():
            self.page("/work/")

    @task(3)
    def caseload_page(self) -> None:
        if not self._write_if_due():
            page = self.page("/caseload/")
            self.caseload = list(dict.fromkeys(PERSON_LINK.findall(page.text))) or self.caseload

    @task(2)
    def search(self) -> None:
        if self._write_if_due():
            return
        someone = self._someone()
        surname = someone[1].split()[-1] if someone else "Smith"
        self.page(f"/search/?q={surname}", name="/search/?q=[surname]")

    @task(3)
    def record(self) -> None:
        if self._write_if_due():
            return
        someone = self._someone()
        if someone is not None:
            self.page(f"/people/{someone[0]}/", name="/people/[id]/")

    @task(1)
    def chronology(self) -> None:
        if self._write_if_due():
            return
        someone = self._someone()
        if someone is not None:
            self.page(f"/people/{someone[0]}/chronology/", name="/people/[id]/chronology/")


class Analyst(Signed):
    kind = "analysts"
    purpose = "performance"
    wait_time = between(*THINK)
    fixed_count = int(os.environ.get("LOAD_ANALYSTS", "20"))

    @task(5)
    def board(self) -> None:
        self.page("/board/")

    @task(1)
    def definitions(self) -> None:
        self.page("/board/definitions/")


class Importer(Signed):
    kind = "importers"
    purpose = "performance"
    wait_time = between(*THINK)
    fixed_count = int(os.environ.get("LOAD_IMPORTERS", "5"))
    poll_seconds = 2.0
    patience = float(os.environ.get("LOAD_IMPORT_PATIENCE", "300"))

    def _extract(self, number: int) -> bytes:
        rows = ["record_id,first_name,last_name,date_of_birth"]
        for n in range(IMPORT_ROWS):
            rows.append(
                f"LT-{TAG}-{number}-{n},{random.choice(FIRST_NAMES)},{random.choice(LAST_NAMES)},"
                f"{random.randint(1960, 2004)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}"
            )
        return ("\n".join(rows) + "\n").encode()

    def _wait(self, upload: str) -> bool:
        """Poll the progress fragment as the page does, until the worker has finished."""
        deadline = time.monotonic() + self.patience
        while time.monotonic() < deadline:
            with self.client.get(
                f"/imports/uploads/{upload}/progress/",
                name="/imports/uploads/[id]/progress/",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code == 302:
                    return True
                if response.status_code != 200:
                    response.failure(f"{response.status_code}")
                    return False
            time.sleep(self.poll_seconds)
        return False

    @task
    def import_extract(self) -> None:
        page = self.page("/imports/")
        fields = form_with(page.text, "encoding")["fields"]
        number = next(_uploads)
        name = f"load-{TAG}-{number}.csv"
        with self.client.post(
            "/imports/",
            data=fields,
            files={"file": (name, self._extract(number), "text/csv")},
            name="upload an extract",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            found = re.search(r"/imports/uploads/(\d+)/$", location)
            if response.status_code != 302 or not found:
                response.failure(f"not uploaded: {response.status_code} {location}")
                return
            upload = found.group(1)
        with self.client.get(
            f"/imports/uploads/{upload}/", name="/imports/uploads/[id]/", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
        if not self._wait(upload):
            self.environment.events.request.fire(
                request_type="WAIT",
                name="check finished in time",
                response_time=self.patience * 1000,
                response_length=0,
                exception=TimeoutError("the check did not finish"),
            )
            return
        page = self.page(f"/imports/uploads/{upload}/", name="/imports/uploads/[id]/")
        try:
            fields = form_with(page.text, "mapping")["fields"]
        except LookupError:
            self.environment.events.request.fire(
                request_type="CHECK",
                name="extract checked clean",
                response_time=0,
                response_length=0,
                exception=LookupError("no import button after the check"),
            )
            return
        with self.client.post(
            f"/imports/uploads/{upload}/import/",
            data=fields,
            name="confirm an import",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"not queued: {response.status_code}")
                return
        if not self._wait(upload):
            self.environment.events.request.fire(
                request_type="WAIT",
                name="import finished in time",
                response_time=self.patience * 1000,
                response_length=0,
                exception=TimeoutError("the import did not finish"),
            )
            return
        self.page(f"/imports/uploads/{upload}/", name="/imports/uploads/[id]/")
