"""The benchmark's ceiling (bench/serve.py): a constant page served by the same app,
through the same middleware, as the real pages. Routed only when BENCH_ENDPOINTS is on
(the benchmark sets it); never in production."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

# About the size of a public page (the home page is 30-40 KB of HTML).
CONSTANT_BODY = (
    b"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Plafond</title>"
    b"</head><body>"
    + b"<p>Une page constante, servie par le site lui-m\xc3\xaame : le plafond de la mesure.</p>"
    * 400
    + b"</body></html>"
)


@require_GET
def constant(request):
    return HttpResponse(CONSTANT_BODY, content_type="text/html; charset=utf-8")
