from django.urls import path

from desist.meetings import views

urlpatterns = [
    path("meetings/", views.series_list, name="meetings"),
    path("meetings/series/<id:series_id>/", views.series, name="meeting_series"),
    path("meetings/series/<id:series_id>/overdue/", views.series_overdue, name="meeting_series_overdue"),
    path("meetings/series/<id:series_id>/feed/", views.series_feed_token, name="meeting_series_feed_token"),
    path("meetings/feed/<str:token>.ics", views.series_feed, name="meeting_series_feed"),
    path("meetings/<id:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<id:meeting_id>/agenda/build/", views.agenda_build, name="meeting_agenda_build"),
    path("meetings/<id:meeting_id>/invite/", views.invite, name="meeting_invite"),
    path("meetings/<id:meeting_id>/attendance/", views.attendance, name="meeting_attendance"),
    path("meetings/<id:meeting_id>/actions/add/", views.action_add, name="meeting_action_add"),
    path("meetings/<id:meeting_id>/minutes/", views.minutes, name="meeting_minutes"),
    path("meetings/<id:meeting_id>/agenda.pdf", views.agenda_pack, name="meeting_agenda_pdf"),
    path("meetings/<id:meeting_id>/minutes.pdf", views.minutes_pack, name="meeting_minutes_pdf"),
    path("meetings/items/<id:item_id>/", views.item, name="meeting_item"),
    path("meetings/actions/<id:action_id>/", views.action, name="meeting_action"),
    path("people/<id:person_id>/mappa/refer/", views.referral_new, name="mappa_referral_new"),
]
