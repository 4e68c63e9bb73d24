from django.urls import path

from desist.marac import views

urlpatterns = [
    path("marac/", views.referrals, name="marac"),
    path("marac/vawg/", views.vawg, name="marac_vawg"),
    path("marac/referrals/<id:marac_referral_id>/", views.referral, name="marac_referral"),
    path("marac/referrals/<id:marac_referral_id>/actions/", views.action_add, name="marac_action_add"),
    path("marac/referrals/<id:marac_referral_id>/heard/", views.referral_heard, name="marac_referral_heard"),
    path("marac/referrals/<id:marac_referral_id>/perpetrator/", views.perpetrator, name="marac_perpetrator"),
    path("marac/actions/<id:marac_action_id>/", views.action_status, name="marac_action_status"),
    path("marac/victims/", views.victims, name="marac_victims"),
    path("marac/victims/new/", views.victim_new, name="marac_victim_new"),
    path("marac/victims/<id:marac_victim_id>/", views.victim, name="marac_victim"),
    path("marac/victims/<id:marac_victim_id>/dash/", views.dash, name="marac_dash"),
    path("marac/victims/<id:marac_victim_id>/refer/", views.refer, name="marac_refer"),
]
