from django.urls import path

from desist.workqueue import views

urlpatterns = [
    path("work/", views.queue, name="work_queue"),
]
