from django.urls import path

from desist.iom import views

urlpatterns = [
    path("iom/candidates/", views.candidates, name="iom_candidates"),
    path("iom/candidates/<id:person_id>/propose/", views.propose, name="iom_propose"),
    path("iom/cohort/", views.cohort, name="iom_cohort"),
    path("iom/decisions/<id:membership_id>/", views.membership, name="iom_membership"),
]
