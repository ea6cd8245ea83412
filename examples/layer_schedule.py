"""Switch a layer on or off by time of day, on every keyboard whose profile has it; run it every
few minutes (cron, a systemd timer).

Usage: python layer_schedule.py [HH:MM]   (default: now)
Edit SCHEDULE: (start, layer) pairs; the last start before the time wins; None = back to base.
"""
import datetime
import sys

import requests

from app.paths import daemon_url, script_token

SCHEDULE = [("00:00", None), ("09:00", "work"), ("18:00", None)]

API = daemon_url() + "/api"    # KEYRX_URL, else http://127.0.0.1:9867
TOKEN = script_token()         # KEYRX_TOKEN, else the token file


def at(text):
    """"9:30" or "09:30" as a time of day, for comparing (as strings, "9:30" sorts after "18:00")."""
    return datetime.datetime.strptime(text, "%H:%M").time()


now = at(sys.argv[1] if len(sys.argv) > 1 else datetime.datetime.now().strftime("%H:%M"))
layer = [name for start, name in SCHEDULE if at(start) <= now][-1]
body = {"op": "switch", "layer": layer} if layer else {"op": "clear"}
r = requests.post(f"{API}/layers", json=body, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
if r.status_code == 422:
    sys.exit(f"no keyboard's profile has the layer '{layer}': {r.json()['detail']}")
r.raise_for_status()
devices = r.json()["devices"]
print(f"{now:%H:%M}: {layer or 'base'} on {len(devices)} keyboard(s)")
