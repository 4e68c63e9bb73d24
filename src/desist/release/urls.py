from django.urls import path

from desist.release import views

urlpatterns = [
    path("releases/", views.readiness, name="release_readiness"),
    path("releases/early/", views.early_release, name="release_early"),
    path("releases/escalations/", views.escalations, name="release_escalations"),
    path(
        "releases/escalations/<id:escalation_id>/resolve/",
        views.escalation_resolve,
        name="release_escalation_resolve",
    ),
    path("releases/plans/<id:plan_id>/", views.plan, name="release_plan"),
    path("releases/tasks/<id:task_id>/", views.task_update, name="release_task"),
    path("releases/sentences/<id:sentence_id>/date/", views.release_date, name="release_date"),
    path("releases/sentences/<id:sentence_id>/facts/", views.release_facts, name="release_facts"),
    path("releases/sentences/<id:sentence_id>/released/", views.release_record, name="release_record"),
    path("releases/sentences/<id:sentence_id>/plan/", views.plan_start, name="release_plan_start"),
    path(
        "releases/sentences/<id:sentence_id>/adjustments/",
        views.adjustment_add,
        name="release_adjustment_add",
    ),
    path(
        "releases/adjustments/<id:adjustment_id>/remove/",
        views.adjustment_remove,
        name="release_adjustment_remove",
    ),
    path("releases/sentences/<id:sentence_id>/recalls/", views.recall_add, name="release_recall_add"),
    path("releases/recalls/<id:recall_id>/returned/", views.recall_return, name="release_recall_return"),
    path("people/<id:person_id>/release/sentences/", views.sentence_add, name="release_sentence_add"),
    path("people/<id:person_id>/release/", views.person_release, name="person_release"),
]
