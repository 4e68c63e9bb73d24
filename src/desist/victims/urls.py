from django.urls import path

from desist.victims import views

urlpatterns = [
    path("victims/", views.dashboard, name="victim_dashboard"),
    path("victims/notifications/<int:notification_id>/", views.notification, name="victim_notification"),
]
