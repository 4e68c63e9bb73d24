from django.urls import path

from desist.referrals import views

urlpatterns = [
    path("people/<int:person_id>/referrals/", views.person_referrals, name="person_referrals"),
    path("referrals/inbox/", views.inbox, name="referral_inbox"),
    path("referrals/<int:referral_id>/", views.referral, name="referral"),
    path("referrals/<int:referral_id>/<slug:action>/", views.referral_action, name="referral_action"),
    path("services/capacity/", views.capacity, name="service_capacity"),
    path("services/<int:service_id>/waiting/", views.waiting_list, name="service_waiting_list"),
]
