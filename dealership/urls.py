from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import (
    catalogue_views,
    customer_views,
    export_views,
    import_views,
    messagetext_views,
    setup_views,
    staff_views,
    store_settings_views,
    views,
)

app_patterns = ([
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("parts/", views.part_list, name="parts"),
    path("tasks/", views.task_list, name="tasks"),
    path("cars/lookup/", views.car_lookup, name="car_lookup"),
    path("customers/search/", customer_views.search, name="customer_search"),
    path("customers/<int:pk>/", customer_views.customer, name="customer"),
    path("cars/<int:pk>/", customer_views.car, name="car"),
    path("setup/", setup_views.setup_checklist, name="setup"),
    path("setup/confirm/", setup_views.setup_confirm, name="setup_confirm"),
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/new/", staff_views.staff_new, name="staff_new"),
    path("staff/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/deactivate/", staff_views.staff_deactivate_view, name="staff_deactivate"),
    path("staff/<int:pk>/reactivate/", staff_views.staff_reactivate_view, name="staff_reactivate"),
    path("staff/<int:pk>/password/", staff_views.staff_password, name="staff_password"),
    path("staff/<int:pk>/move/", staff_views.staff_move, name="staff_move"),
    path("settings/changes/", staff_views.settings_log, name="settings_log"),
    path("exports/", export_views.export_page, name="exports"),
    path("exports/<slug:table>.xlsx", export_views.export_download, name="export"),
    # the catalogue's two lists (labour operations, parts) share their views; the kind is the URL's
    *[path(f"catalogue/{kind}/{suffix}", view, {"kind": kind}, name=f"catalogue_{kind}{name}")
      for kind in ("labour", "parts")
      for suffix, view, name in (("", catalogue_views.catalogue_list, ""),
                                 ("new/", catalogue_views.catalogue_new, "_new"),
                                 ("<int:pk>/", catalogue_views.catalogue_detail, "_detail"),
                                 ("<int:pk>/price/", catalogue_views.catalogue_price, "_price"),
                                 ("<int:pk>/deactivate/", catalogue_views.catalogue_deactivate, "_deactivate"),
                                 ("<int:pk>/reactivate/", catalogue_views.catalogue_reactivate, "_reactivate"))],
    path("settings/store/", store_settings_views.store_settings_home, name="store_settings_home"),
    path("settings/store/<int:pk>/", store_settings_views.store_settings, name="store_settings"),
    path("settings/store/<int:pk>/hours/", store_settings_views.store_hours, name="store_hours"),
    path("settings/store/<int:pk>/closed/", store_settings_views.store_closed_add, name="store_closed_add"),
    path("settings/store/<int:pk>/closed/<int:day>/remove/", store_settings_views.store_closed_remove,
         name="store_closed_remove"),
    path("settings/messages/", messagetext_views.message_list, name="message_texts"),
    path("settings/messages/<slug:name>/", messagetext_views.message_text, name="message_text"),
    path("settings/messages/<slug:name>/<str:language>/", messagetext_views.message_text_save_view,
         name="message_text_save"),
    path("settings/messages/<slug:name>/<str:language>/preview/", messagetext_views.message_text_preview,
         name="message_text_preview"),
    path("settings/messages/<slug:name>/<str:language>/default/", messagetext_views.message_text_reset_view,
         name="message_text_reset"),
    path("imports/", import_views.import_list, name="imports"),
    path("imports/template/<slug:kind>.xlsx", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_run, name="import_run"),
    path("imports/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("imports/<int:pk>/start/", import_views.import_start_view, name="import_start"),
], "dealership")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", staff_views.password_change, name="password_change"),
    path("accounts/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include(app_patterns)),
    path("supply/", include("supply.urls")),
    path("appointments/", include("appointments.urls")),
    path("reception/", include("reception.urls")),
    path("workshop/", include("workshop.urls")),
    path("inspection/", include("inspection.urls")),
    path("settlement/", include("settlement.urls")),
    path("followup/", include("followup.urls")),
    path("my/", include("mycar.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
