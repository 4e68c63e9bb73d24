from django.urls import path

from desist.release import views

urlpatterns = [
    path("releases/", views.readiness, name="release_readiness"),
    path("releases/early/", views.early_release, name="release_early"),
    path("releases/escalations/", views.escalations, name="release_escalations"),
    path("releases/escalations/<int:escalation_id>/resolve/", views.escalation_resolve, name="release_escalation_resolve"),
    path("releases/plans/<int:plan_id>/", views.plan, name="release_plan"),
    path("releases/tasks/<int:task_id>/", views.task_update, name="release_task"),
    path("releases/sentences/<int:sentence_id>/date/", views.release_date, name="release_date"),
    path("releases/sentences/<int:sentence_id>/facts/", views.release_facts, name="release_facts"),
    path("releases/sentences/<int:sentence_id>/released/", views.release_record, name="release_record"),
    path("releases/sentences/<int:sentence_id>/plan/", views.plan_start, name="release_plan_start"),
    path("people/<int:person_id>/release/", views.person_release, name="person_release"),
]
