from django.urls import path

from desist.supervision import views

urlpatterns = [
    path("people/<id:person_id>/chronology/", views.person_chronology, name="person_chronology"),
    path("people/<id:person_id>/chronology/record/", views.contact_new, name="contact_new"),
    path("people/<id:person_id>/appointments/book/", views.appointment_book, name="appointment_book"),
    path("people/<id:person_id>/supervision/suspend/", views.supervision_suspend, name="supervision_suspend"),
    path("appointments/<id:appointment_id>/", views.appointment, name="appointment"),
    path(
        "appointments/<id:appointment_id>/rearrange/",
        views.appointment_rearrange,
        name="appointment_rearrange",
    ),
    path("appointments/<id:appointment_id>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path(
        "supervision/suspensions/<id:suspension_id>/resume/",
        views.supervision_resume,
        name="supervision_resume",
    ),
    path("diary/", views.diary, name="diary"),
    path("diary/feed/", views.diary_feed_token, name="diary_feed_token"),
    path("diary/feed/<str:token>.ics", views.diary_feed, name="diary_feed"),
]
