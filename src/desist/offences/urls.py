from django.urls import path

from desist.offences import views

urlpatterns = [
    path(
        "people/<id:person_id>/offences/<id:offence_id>/category/",
        views.offence_category,
        name="offence_category",
    ),
]
