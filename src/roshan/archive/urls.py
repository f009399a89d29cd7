from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import include, path

admin.site.site_header = "Roshan · روشن"
admin.site.site_title = "Roshan"
admin.site.index_title = "Workbench"
admin.site.index_template = "admin/roshan_index.html"


def proscription(request: HttpRequest) -> HttpResponse:
    """The IRGC proscription tracker, as the site shows it (the home's own file wins)."""
    from roshan.accountability.proscription import load
    from roshan.archive.home import Home

    entries = load(Home.from_env().root / "irgc_proscription.json")
    return TemplateResponse(
        request,
        "admin/proscription.html",
        {**admin.site.each_context(request), "entries": entries, "title": "IRGC"},
    )


urlpatterns = [
    path("admin/proscription/", admin.site.admin_view(proscription), name="proscription"),
    path("", lambda request: redirect("admin:index")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
