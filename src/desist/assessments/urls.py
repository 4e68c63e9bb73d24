from django.urls import path

from desist.assessments import views

urlpatterns = [
    path("people/<id:person_id>/assessments/new/", views.assessment_new, name="assessment_new"),
]
