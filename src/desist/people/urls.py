from django.urls import path

from desist.people import governance, merges, views

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("search/", views.search, name="search"),
    path("search/settled/", views.search_settled, name="search_settled"),
    path("people/<id:person_id>/", views.person_record, name="person"),
    # The record's sections, each its own page (views.SECTIONS).
    *[
        path(f"people/<id:person_id>/{part}", views.person_record, {"section": key}, name=f"person_{key}")
        for key, (part, _, _) in views.SECTIONS.items()
        if part
    ],
    path("people/<id:person_id>/merges/", merges.person_merges, name="person_merges"),
    path("people/<id:person_id>/merge/", merges.person_merge, name="person_merge"),
    path("people/merges/<id:merge_id>/undo/", merges.person_merge_undo, name="person_merge_undo"),
    # Information governance (docs/information-governance.md): restrictions and consent.
    path("people/<id:person_id>/restrictions/", governance.person_restrictions, name="person_restrictions"),
    path(
        "people/<id:person_id>/restrictions/<id:restriction_id>/end/",
        governance.person_restriction_end,
        name="person_restriction_end",
    ),
    path("people/<id:person_id>/consent/", governance.person_consents, name="person_consents"),
    path(
        "people/<id:person_id>/consent/<id:consent_id>/withdraw/",
        governance.person_consent_withdraw,
        name="person_consent_withdraw",
    ),
]
