"""The JSON API: the same selectors, services and access rules as the pages. OpenAPI at /api/docs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from desist.api.allocation import router as allocation_router
from desist.api.assessments import router as assessments_router
from desist.api.enforcement import router as enforcement_router
from desist.api.governance import router as governance_router
from desist.api.idempotency import conflict_message
from desist.api.marac import router as marac_router
from desist.api.meetings import router as meetings_router
from desist.api.merges import router as merges_router
from desist.api.monitoring import router as monitoring_router
from desist.api.people import router as people_router
from desist.api.referrals import premises_router
from desist.api.referrals import router as referrals_router
from desist.api.release import router as release_router
from desist.api.services import WRITE_METHODS, api_token_check
from desist.api.strategy import router as strategy_router
from desist.api.subject_access import router as subject_access_router
from desist.api.supervision import router as supervision_router
from desist.api.victims import router as victims_router
from desist.api.victims import work_router
from desist.audit.context import actor_for_request
from desist.audit.models import Channel
from desist.audit.refusals import log_refusal
from desist.versioning import StaleEdit


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dst_…` with a token issued by `manage.py issue_api_token`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_check(token)
        if found is None:
            return None
        request.user = found.user
        if request.method in WRITE_METHODS and "write" not in found.scope_set:
            actor = actor_for_request(request, channel=Channel.API)
            log_refusal(
                actor,
                obj=found,
                summary=f"Refused {request.method} {request.path[:160]}: the API token may only read",
                reason="token without the write scope",
                detail={"token": found.key_prefix},
            )
            raise HttpError(403, "This API token may only read. Ask for a token with the write scope.")
        return found.user


api = NinjaAPI(
    title="desist API",
    version="1",
    description="People, sentences and caseloads for partner agencies. Every read is logged to the access "
    "log (DPA 2018 s.62); set the X-Desist-Purpose header to state why you are reading. Writes to a record "
    "take the `version` you read (shown in every answer) and answer 409 if someone changed it since; send an "
    "Idempotency-Key header (your own unique key per change) on a POST, PUT or PATCH you may repeat, and a "
    "repeat within 24 hours gets the first answer back instead of being done twice (the same key with "
    "another body: 422). A change that conflicts with one made at the same moment is a 409 with a message.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    # The docs and the schema are for signed-in users only; Swagger UI comes from ninja's own static files.
    docs_decorator=login_required,
)


@api.exception_handler(StaleEdit)
def _stale(request: HttpRequest, error: StaleEdit) -> HttpResponse:
    # A write from a version someone else has since changed: nothing was saved (desist.versioning).
    return api.create_response(request, {"detail": str(error)}, status=409)


@api.exception_handler(IntegrityError)
def _conflict(request: HttpRequest, error: IntegrityError) -> HttpResponse:
    # A unique rule the database enforced against a concurrent write: a conflict to report, not a crash.
    return api.create_response(request, {"detail": conflict_message(error)}, status=409)


# Each noun's endpoints live in their own router module (which imports nothing from this one).
api.add_router("", people_router)
api.add_router("", assessments_router)
api.add_router("", governance_router)
api.add_router("/releases", release_router)
api.add_router("/referrals", referrals_router)
api.add_router("/premises", premises_router)
api.add_router("/victims", victims_router)
api.add_router("/marac", marac_router)
api.add_router("/work", work_router)
api.add_router("/merges", merges_router)
api.add_router("/supervision", supervision_router)
api.add_router("/enforcement", enforcement_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/meetings", meetings_router)
api.add_router("/subject-access", subject_access_router)
api.add_router("/strategy", strategy_router)
api.add_router("/allocation", allocation_router)
