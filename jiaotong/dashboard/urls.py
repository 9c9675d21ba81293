from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("years/<int:year>/close/", views.year_close, name="year_close"),
    path("years/<int:year>/reopen/", views.year_reopen, name="year_reopen"),
]
