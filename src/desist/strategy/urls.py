from django.urls import path

from desist.strategy import views

urlpatterns = [
    path("strategy/", views.plan, name="strategy"),
    path("strategy/board/", views.board, name="strategy_board"),
    path("strategy/review/", views.annual_review, name="strategy_review"),
    path("strategy/actions/<id:plan_action_id>/", views.action, name="strategy_action"),
    path("strategy/meetings/<id:meeting_id>/pack.pdf", views.pack, name="strategy_pack"),
]
