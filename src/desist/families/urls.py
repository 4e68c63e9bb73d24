from django.urls import path

from desist.families import views

urlpatterns = [
    path("families/", views.overlap, name="families_overlap"),
    path("families/<id:family_id>/", views.family, name="family"),
    path("people/<id:person_id>/family/", views.person_family, name="person_family"),
]
