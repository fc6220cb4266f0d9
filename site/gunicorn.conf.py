"""gunicorn's configuration for every app server: `gunicorn -c site/gunicorn.conf.py`.

The application (clusterjura.wsgi, production settings) and everything below come
from here or the environment, so each app server behind the load balancer runs the
same command. Values read from the environment are in the README's table.
"""

import multiprocessing

from clusterjura import env

wsgi_app = "clusterjura.wsgi:application"
bind = env.get_str("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: one request at a time each; about two per core (gunicorn's advice is
# 2 x cores + 1). Each worker holds one database connection (DATABASE_CONN_MAX_AGE).
workers = env.get_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request that takes longer is stuck (a page renders in tens of milliseconds, the
# slowest view, a PDF receipt, in about a second): the worker is replaced.
timeout = env.get_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
# Behind a reverse proxy that keeps connections open to the app servers.
keepalive = 5
# Workers are replaced now and then, so that a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# Addresses allowed to set X-Forwarded-* (the reverse proxy on this machine by
# default); Django reads X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER) and the
# client address from X-Forwarded-For (TRUSTED_PROXY_COUNT).
forwarded_allow_ips = env.get_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Several app servers may share a machine: no control socket under ~/.gunicorn/.
control_socket_disable = True
# Access log on standard output, one line per request with the client address the
# proxy forwarded and the time taken (microseconds); errors on standard error.
accesslog = "-"
errorlog = "-"
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'
loglevel = env.get_str("LOG_LEVEL", "INFO").lower()
