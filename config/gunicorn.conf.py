# gunicorn for this deployment: `gunicorn -c config/gunicorn.conf.py wsgi:app`.
# The settings ship in the package (app/gunicorn_conf.py); override any of them below this line.
from app.gunicorn_conf import *  # noqa: F403
