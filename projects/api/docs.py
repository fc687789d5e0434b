"""The interactive API documentation: Swagger UI from the django-ninja package, served by the
app in the site's layout and within its content security policy (no inline script or style,
nothing from another origin)."""

from django.shortcuts import render
from ninja.openapi.docs import DocsBase

SWAGGER_SETTINGS = {
    "layout": "BaseLayout",
    "deepLinking": True,
    # Swagger UI would otherwise send the document to validator.swagger.io for a badge.
    "validatorUrl": None,
    "defaultModelsExpandDepth": 0,
}


class SiteSwagger(DocsBase):
    def render_page(self, request, api, **kwargs):
        settings = {**SWAGGER_SETTINGS, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})
