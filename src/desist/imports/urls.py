from django.urls import path

from desist.imports import views

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/uploads/<id:upload_id>/", views.check, name="import_check"),
    path("imports/uploads/<id:upload_id>/mapping/", views.mapping, name="import_mapping"),
    path("imports/uploads/<id:upload_id>/problems.csv", views.problems_csv, name="import_problems_csv"),
    path("imports/uploads/<id:upload_id>/progress/", views.progress, name="import_progress"),
    path("imports/uploads/<id:upload_id>/check/", views.check_start, name="import_check_start"),
    path("imports/uploads/<id:upload_id>/encoding/", views.check_encoding, name="import_check_encoding"),
    path("imports/uploads/<id:upload_id>/import/", views.run, name="import_run"),
    path("imports/uploads/<id:upload_id>/discard/", views.discard, name="import_discard"),
]
