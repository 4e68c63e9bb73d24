from django.urls import path

from desist.audit import views

urlpatterns = [
    path("access-log/", views.access_log, name="access_log"),
]
