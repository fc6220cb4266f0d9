"""The site as gunicorn serves it in production, plus its public images.

In production the web server in front (nginx, see the README) serves MEDIA_ROOT's two
image folders and nothing else of /media/; here WhiteNoise stands in for it, for
bench/lighthouse.py. Renditions made after startup are found (autorefresh).
"""

from django.conf import settings
from whitenoise import WhiteNoise

from clusterjura.wsgi import application as site

application = WhiteNoise(site, autorefresh=True, max_age=365 * 24 * 3600)
for folder in ("original_images", "images"):
    application.add_files(settings.MEDIA_ROOT / folder, prefix=f"{settings.MEDIA_URL}{folder}/")
