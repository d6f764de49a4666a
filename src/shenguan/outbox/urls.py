"""Pages of the outbox app."""

from django.urls import path

from . import views

app_name = "outbox"
urlpatterns = [
    path("endpoints/", views.endpoint_list, name="endpoint_list"),
    path("endpoints/new/", views.endpoint_create, name="endpoint_create"),
    path("endpoints/<int:pk>/", views.endpoint_edit, name="endpoint_edit"),
    path("endpoints/<int:pk>/ping/", views.endpoint_ping, name="endpoint_ping"),
    path("endpoints/<int:pk>/rotate-secret/", views.endpoint_rotate, name="endpoint_rotate"),
    path("endpoints/<int:pk>/disable/", views.endpoint_disable, name="endpoint_disable"),
    path("endpoints/<int:pk>/enable/", views.endpoint_enable, name="endpoint_enable"),
    path("deliveries/", views.delivery_list, name="delivery_list"),
    path("deliveries/dead/", views.dead_letters, name="dead_letters"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("deliveries/<int:pk>/replay/", views.delivery_replay, name="delivery_replay"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
]
