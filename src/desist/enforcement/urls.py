from django.urls import path

from desist.enforcement import views

urlpatterns = [
    path("people/<id:person_id>/enforcement/", views.person_enforcement, name="person_enforcement"),
    path(
        "people/<id:person_id>/enforcement/<slug:action>/",
        views.person_enforcement_action,
        name="person_enforcement_action",
    ),
    path("enforcement/failures/<id:failure_id>/", views.failure, name="enforcement_failure"),
    path(
        "enforcement/failures/<id:failure_id>/<slug:action>/",
        views.failure_action,
        name="enforcement_failure_action",
    ),
    path(
        "enforcement/warnings/<id:warning_id>/letter.pdf",
        views.warning_letter,
        name="enforcement_warning_letter",
    ),
    path(
        "enforcement/recalls/<id:recommendation_id>/decide/",
        views.recall_decide,
        name="enforcement_recall_decide",
    ),
]
