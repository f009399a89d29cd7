from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path

admin.site.site_header = "Roshan · روشن"
admin.site.site_title = "Roshan"
admin.site.index_title = "Workbench"

urlpatterns = [
    path("", lambda request: redirect("admin:index")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
