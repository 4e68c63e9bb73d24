from django.urls import path

from desist.referrals import views

urlpatterns = [
    path("people/<id:person_id>/referrals/", views.person_referrals, name="person_referrals"),
    path("referrals/inbox/", views.inbox, name="referral_inbox"),
    path("referrals/notices/read/", views.notices_read_all, name="referral_notices_read_all"),
    path("referrals/notices/<id:notice_id>/read/", views.notice_read, name="referral_notice_read"),
    path("referrals/<id:referral_id>/", views.referral, name="referral"),
    path("referrals/<id:referral_id>/<slug:action>/", views.referral_action, name="referral_action"),
    path("services/capacity/", views.capacity, name="service_capacity"),
    path("services/<id:service_id>/waiting/", views.waiting_list, name="service_waiting_list"),
]
