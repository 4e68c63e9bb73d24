from django.contrib import admin
from django.urls import include, path

from desist.api.api import api

admin.site.site_header = "desist administration"
admin.site.site_title = "desist administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("desist.iom.urls")),
    path("", include("desist.release.urls")),
    path("", include("desist.referrals.urls")),
    path("", include("desist.enforcement.urls")),
    path("", include("desist.supervision.urls")),
    path("", include("desist.monitoring.urls")),
    path("", include("desist.premises.urls")),
    path("", include("desist.meetings.urls")),
    path("", include("desist.victims.urls")),
    path("", include("desist.marac.urls")),
    path("", include("desist.subject_access.urls")),
    path("", include("desist.allocation.urls")),
    path("", include("desist.workqueue.urls")),
    path("", include("desist.families.urls")),
    path("", include("desist.board.urls")),
    path("", include("desist.strategy.urls")),
    path("", include("desist.imports.urls")),
    path("", include("desist.linking.urls")),
    path("", include("desist.accounts.urls")),
    path("", include("desist.web.urls")),
    path("", include("desist.sharing.urls")),
    path("", include("desist.people.urls")),
    path("", include("desist.assessments.urls")),
    path("", include("desist.offences.urls")),
    path("", include("desist.audit.urls")),
]

# The service's own error answers (desist.web.errors); 403 and 400 use the templates of the same names.
handler404 = "desist.web.errors.not_found"
handler500 = "desist.web.errors.server_error"
