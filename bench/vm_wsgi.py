"""The daemon's WSGI app for the latency benchmark: key events on, optionally the default switch interval."""
from gevent import monkey

monkey.patch_all()  # first, as in wsgi.py

import dataclasses
import os

from app import create_app

app = create_app()
keyrx = app.extensions["keyrx"]
_config = keyrx.hw_config
# every key becomes a `key` event for the subscribed clients: the load the loop must live with
keyrx.hw_config = lambda: dataclasses.replace(_config(), key_events=True)
if os.environ.get("BENCH_PLAIN"):  # the comparison row: 5 ms switch interval, normal priority
    keyrx.hw.switch_interval = None
    keyrx.hw.rt_priority = None
