from django.contrib.auth import views as auth_views
from django.urls import path

from desist.web import merges, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("caseload/", views.caseload, name="caseload"),
    path("search/", views.search, name="search"),
    path("search/settled/", views.search_settled, name="search_settled"),
    path("people/<id:person_id>/", views.person_record, name="person"),
    path("people/<id:person_id>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("people/<id:person_id>/offences/<id:offence_id>/category/", views.offence_category,
         name="offence_category"),
    path("people/<id:person_id>/merges/", merges.person_merges, name="person_merges"),
    path("people/<id:person_id>/merge/", merges.person_merge, name="person_merge"),
    path("people/merges/<id:merge_id>/undo/", merges.person_merge_undo, name="person_merge_undo"),
    path("purpose/", views.set_purpose, name="set_purpose"),
    path("access-log/", views.access_log, name="access_log"),
]
