from django.contrib import admin

from desist.audit.admin_base import AdminConsultationLogged
from desist.audit.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(AdminConsultationLogged):
    """Read-only: the log is append-only (the database refuses changes too). The log names people, so reading
    it here is logged, as on /access-log/."""

    list_display = ["at", "username", "agency_code", "action", "person_id", "summary", "purpose", "channel"]
    list_filter = ["action", "channel", "agency_code"]
    search_fields = ["username", "summary", "=person_id"]
    date_hierarchy = "at"
