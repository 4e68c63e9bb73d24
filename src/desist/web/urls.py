from django.contrib.auth import views as auth_views
from django.urls import path

from desist.web import views

# The shell: home, signing in and out, and stating a purpose. Each domain app's pages are in its own urls.py.
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("purpose/", views.set_purpose, name="set_purpose"),
]
