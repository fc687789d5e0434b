from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("sigprojects administration")
admin.site.site_title = _("sigprojects")
admin.site.index_title = _("Data maintenance")

# Renders without the database; a database outage gets 503 "temporarily unavailable".
handler500 = "projects.views.errors.server_error"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("projects.urls")),
]
