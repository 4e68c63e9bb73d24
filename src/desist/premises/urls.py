from django.urls import path

from desist.premises import views

urlpatterns = [
    path("premises/", views.premises_list, name="premises_list"),
    path("premises/<id:premises_id>/", views.premises_detail, name="premises_detail"),
    path("people/<id:person_id>/accommodation/book/", views.book_bed, name="book_bed"),
    path("bookings/<id:booking_id>/<slug:action>/", views.booking_action, name="booking_action"),
]
