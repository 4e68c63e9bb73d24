from django.urls import path

from desist.sharing import views

urlpatterns = [
    path("governance/agreements/", views.agreements, name="sharing_agreements"),
    path("governance/", views.dpo, name="dpo"),
    path("governance/emergency/<id:use_id>/review/", views.emergency_review, name="emergency_review"),
    path("people/<id:person_id>/emergency-access/", views.emergency_access, name="emergency_access"),
]
