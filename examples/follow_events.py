"""Keep a local copy of the devices up to date from the event stream, across daemon restarts.

Usage: python follow_events.py [MAX_EVENTS]
The cursor is (epoch, seq). A snapshot (GET /api/devices) gives one; GET /api/events?since=seq
gives what happened after it. If the daemon restarted (new epoch) or we fell too far behind
(410), events were missed: take a new snapshot and go on from its cursor (a resync).
"""
import sys
import time

import requests

from app.paths import daemon_url, script_token

# the keyrx package's lookup (run with the Python keyrx is installed in, e.g. .venv/bin/python):
# KEYRX_TOKEN, else /var/lib/keyrx/token (the service's), else $XDG_DATA_HOME/keyrx/token (yours)
API = daemon_url() + "/api"    # KEYRX_URL, else http://127.0.0.1:9867
TOKEN = script_token()         # exits naming every place it looked when there is no token
MAX_EVENTS = int(sys.argv[1]) if len(sys.argv) > 1 else None

s = requests.Session()
s.headers["Authorization"] = f"Bearer {TOKEN}"


def snapshot():
    """Every device, and the cursor that snapshot reflects."""
    body = s.get(f"{API}/devices", timeout=10).json()
    print(f"snapshot: {len(body['devices'])} devices at seq {body['seq']} (epoch {body['epoch']})", flush=True)
    return {d["id"]: d for d in body["devices"]}, body["epoch"], body["seq"]


devices, epoch, seq = snapshot()
seen = 0
while MAX_EVENTS is None or seen < MAX_EVENTS:
    try:
        r = s.get(f"{API}/events", params={"since": seq}, timeout=10)
        if r.status_code == 410 or (r.ok and r.json()["epoch"] != epoch):
            print("resync: events were missed", flush=True)
            devices, epoch, seq = snapshot()
            continue
        r.raise_for_status()
    except requests.ConnectionError:
        print("daemon unreachable; retrying", flush=True)
        time.sleep(1)
        continue
    for e in r.json()["events"]:
        seq = e["seq"]
        seen += 1
        if e["event"].startswith("device.") and "device" in e["data"]:
            devices[e["data"]["device"]["id"]] = e["data"]["device"]  # events carry the whole resource
        elif e["event"] == "device.forgotten":
            devices.pop(e["data"]["id"], None)
        print(f"#{seq} {e['event']}", flush=True)
    time.sleep(0.5)
