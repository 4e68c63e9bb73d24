from django.urls import path

from desist.imports import views

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/uploads/<int:upload_id>/", views.check, name="import_check"),
    path("imports/uploads/<int:upload_id>/mapping/", views.mapping, name="import_mapping"),
    path("imports/uploads/<int:upload_id>/problems.csv", views.problems_csv, name="import_problems_csv"),
    path("imports/uploads/<int:upload_id>/import/", views.run, name="import_run"),
    path("imports/uploads/<int:upload_id>/discard/", views.discard, name="import_discard"),
]
