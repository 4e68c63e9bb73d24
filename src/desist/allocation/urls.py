from django.urls import path

from desist.allocation import views

urlpatterns = [
    path("allocation/", views.index, name="allocation"),
    path("allocation/teams/<id:team_id>/", views.team, name="allocation_team"),
    path("allocation/cases/<id:involvement_id>/", views.case, name="allocation_case"),
    path("allocation/cases/<id:involvement_id>/transfer/", views.transfer, name="allocation_transfer"),
]
