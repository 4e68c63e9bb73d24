from django.urls import path

from desist.victims import views

urlpatterns = [
    path("victims/", views.dashboard, name="victim_dashboard"),
    path("victims/notifications/<id:notification_id>/", views.notification, name="victim_notification"),
    path("victims/records/", views.victims, name="victims"),
    path("victims/records/new/", views.victim_new, name="victim_new"),
    path("victims/records/<id:victim_id>/", views.victim, name="victim"),
    path("victims/records/<id:victim_id>/change/", views.victim_change, name="victim_change"),
    path("victims/records/<id:victim_id>/link/", views.victim_link, name="victim_link"),
    path("victims/people/<id:person_id>/", views.person_victims, name="person_victims"),
    path("victims/people/<id:person_id>/link/", views.person_victim_link, name="person_victim_link"),
]
