from django.urls import path

from desist.families import views

urlpatterns = [
    path("families/", views.overlap, name="families_overlap"),
    path("families/<int:family_id>/", views.family, name="family"),
    path("people/<int:person_id>/family/", views.person_family, name="person_family"),
]
