"""Activate a profile by time of day; run it every few minutes (cron, a systemd timer).

Usage: python profile_by_time.py [HH:MM]   (default: now)
Edit SCHEDULE: (start, profile) pairs; the last start before the time wins; None = pass-through.
"""
import datetime
import os
import pathlib
import sys

import requests

SCHEDULE = [("00:00", None), ("09:00", "coding"), ("18:00", "gaming"), ("23:00", None)]

API = os.environ.get("KEYRX_URL", "http://127.0.0.1:9867") + "/api"
TOKEN = os.environ.get("KEYRX_TOKEN") or (pathlib.Path.home() / ".local/share/keyrx/token").read_text().strip()

s = requests.Session()
s.headers["Authorization"] = f"Bearer {TOKEN}"

now = sys.argv[1] if len(sys.argv) > 1 else datetime.datetime.now().strftime("%H:%M")
wanted = [profile for start, profile in sorted(SCHEDULE, key=lambda e: e[0]) if start <= now][-1]

current = s.get(f"{API}/active-profile", timeout=10).json()["name"]
if current == wanted:
    print(f"{now}: {wanted or 'pass-through'} already active")
else:
    r = s.put(f"{API}/active-profile", json={"name": wanted}, timeout=10)
    if r.status_code == 404:
        sys.exit(f"{now}: {r.json()['detail']}; create it first (keyrx profiles import FILE)")
    r.raise_for_status()
    print(f"{now}: switched from {current or 'pass-through'} to {wanted or 'pass-through'}")
