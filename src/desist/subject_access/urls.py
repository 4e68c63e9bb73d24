from django.urls import path

from desist.subject_access import views

urlpatterns = [
    path("subject-access/", views.request_list, name="subject_access_list"),
    path("subject-access/new/", views.request_new, name="subject_access_new"),
    path("subject-access/<id:request_id>/", views.request_detail, name="subject_access_request"),
    path(
        "subject-access/<id:request_id>/<slug:action>/",
        views.request_action,
        name="subject_access_action",
    ),
    path("subject-access/<id:request_id>/export.zip", views.request_export, name="subject_access_export"),
]
