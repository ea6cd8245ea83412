"""Activate a profile by time of day; run it every few minutes (cron, a systemd timer).

Usage: python profile_by_time.py [HH:MM]   (default: now)
Edit SCHEDULE: (start, profile) pairs; the last start before the time wins; None = pass-through.
"""
import datetime
import sys

import requests

from app.paths import daemon_url, script_token

SCHEDULE = [("00:00", None), ("09:00", "coding"), ("18:00", "gaming"), ("23:00", None)]

# the keyrx package's lookup (run with the Python keyrx is installed in, e.g. .venv/bin/python):
# KEYRX_TOKEN, else /var/lib/keyrx/token (the service's), else $XDG_DATA_HOME/keyrx/token (yours)
API = daemon_url() + "/api"    # KEYRX_URL, else http://127.0.0.1:9867
TOKEN = script_token()         # exits naming every place it looked when there is no token

s = requests.Session()
s.headers["Authorization"] = f"Bearer {TOKEN}"


def clock(text):
    """"9:30" or "09:30" as a time of day, so that 9:30 comes before 18:00 (as strings it doesn't)."""
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


now = clock(sys.argv[1]) if len(sys.argv) > 1 else datetime.datetime.now().time().replace(second=0, microsecond=0)
wanted = [profile for start, profile in sorted(SCHEDULE, key=lambda e: clock(e[0])) if clock(start) <= now][-1]
now = now.strftime("%H:%M")

current = s.get(f"{API}/active-profile", timeout=10).json()["name"]
if current == wanted:
    print(f"{now}: {wanted or 'pass-through'} already active")
else:
    r = s.put(f"{API}/active-profile", json={"name": wanted}, timeout=10)
    if r.status_code == 404:
        sys.exit(f"{now}: {r.json()['detail']}; create it first (keyrx profiles import FILE)")
    r.raise_for_status()
    print(f"{now}: switched from {current or 'pass-through'} to {wanted or 'pass-through'}")
