from django.urls import path

from desist.allocation import views

urlpatterns = [
    path("allocation/", views.index, name="allocation"),
    path("allocation/teams/<id:team_id>/", views.team, name="allocation_team"),
    path("allocation/cases/<id:involvement_id>/", views.case, name="allocation_case"),
    path("allocation/cases/<id:involvement_id>/transfer/", views.transfer, name="allocation_transfer"),
]

_PRACTITIONER = "allocation/teams/<id:team_id>/practitioners/<id:user_id>/"
urlpatterns += [
    path(_PRACTITIONER, views.practitioner, name="allocation_practitioner"),
    path(f"{_PRACTITIONER}grade/", views.practitioner_grade, name="allocation_practitioner_grade"),
    path(f"{_PRACTITIONER}reductions/new/", views.reduction_add, name="allocation_reduction_add"),
    path(
        f"{_PRACTITIONER}reductions/<id:reduction_id>/end/",
        views.reduction_end,
        name="allocation_reduction_end",
    ),
    path(f"{_PRACTITIONER}reports/new/", views.report_add, name="allocation_report_add"),
    path(
        f"{_PRACTITIONER}reports/<id:report_id>/complete/",
        views.report_complete,
        name="allocation_report_complete",
    ),
    path(f"{_PRACTITIONER}work/new/", views.contact_add, name="allocation_contact_add"),
    path("allocation/cases/<id:involvement_id>/t2a/", views.t2a, name="allocation_t2a"),
]
urlpatterns += [path("board/workload/", views.board_workload, name="board_workload")]
