from django.urls import path

from desist.linking import views

urlpatterns = [
    path("linkage/", views.overview, name="linkage"),
    path("linkage/train/", views.train, name="linkage_train"),
    path("linkage/run/", views.run, name="linkage_run"),
    path("linkage/review/", views.queue, name="linkage_queue"),
    path("linkage/review/blind/", views.blind, name="linkage_blind"),
    path("linkage/review/<id:pair_id>/", views.pair, name="linkage_pair"),
]
