from django.urls import path

from desist.board import views

urlpatterns = [
    path("board/", views.dashboard, name="board"),
    path("board/definitions/", views.definitions, name="board_definitions"),
    path("board/fairness/", views.fairness, name="board_fairness"),
    path("board/validation/", views.validation, name="board_validation"),
    path("board/figures.<str:fmt>", views.export, name="board_export"),
    path("board/published/", views.published, name="board_published"),
    path("board/published/publish", views.publish, name="board_publish"),
    path("board/published/<str:quarter>/pack.pdf", views.pack, name="board_pack"),
    path("board/iom-steering/", views.iom_steering, name="iom_steering"),
]
