from django.urls import path

from desist.monitoring import views

urlpatterns = [
    path("people/<id:person_id>/monitoring/", views.person_monitoring, name="person_monitoring"),
    path(
        "people/<id:person_id>/monitoring/orders/new/",
        views.order_create,
        name="monitoring_order_create",
    ),
    path("people/<id:person_id>/tracking/", views.person_tracking, name="person_tracking"),
    path("monitoring/tracking/", views.tracking_list, name="monitoring_tracking"),
    path("monitoring/alerts/", views.my_alerts, name="monitoring_alerts"),
    path("monitoring/alerts/<id:alert_id>/", views.alert, name="monitoring_alert"),
    path(
        "monitoring/alerts/<id:alert_id>/<slug:action>/", views.alert_action, name="monitoring_alert_action"
    ),
    path("monitoring/feeds/", views.feeds, name="monitoring_feeds"),
    path("monitoring/feeds/<id:feed_id>/", views.feed, name="monitoring_feed"),
]
