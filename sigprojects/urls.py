from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from projects import api

admin.site.site_header = _("sigprojects administration")
admin.site.site_title = _("sigprojects")
admin.site.index_title = _("Data maintenance")

# In the site's layout and the user's language; see projects.views.errors.
handler400 = "projects.views.errors.bad_request"
handler403 = "projects.views.errors.permission_denied"
handler404 = "projects.views.errors.page_not_found"
# Renders without the database; a database outage gets 503 "temporarily unavailable".
handler500 = "projects.views.errors.server_error"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls()),
    path("", include("projects.urls")),
]
