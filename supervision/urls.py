from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("new/", views.task_create, name="task_create"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/draw/", views.task_draw, name="task_draw"),
    path("<int:pk>/directed/", views.task_directed, name="task_directed"),
    path("<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("<int:pk>/verify/", views.draw_verify, name="draw_verify"),
    path("<int:pk>/publish/", views.task_publish, name="task_publish"),
    path("<int:pk>/record/", views.task_record, name="task_record"),
    path("records/", views.record_list, name="record_list"),
    path("records/export/", views.record_export, name="record_export"),
    path("records/new/", views.record_create, name="record_create"),
    path("public/items/", views.public_items, name="public_items"),
    path("public/results/", views.public_results, name="public_results"),
]
