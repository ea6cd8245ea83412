"""Enable a keyboard if it is disabled, disable it if enabled.  Usage: python toggle_device.py DEVICE_ID"""
import sys

import requests

from app.paths import daemon_url, script_token

# the keyrx package's lookup (run with the Python keyrx is installed in, e.g. .venv/bin/python):
# KEYRX_TOKEN, else /var/lib/keyrx/token (the service's), else $XDG_DATA_HOME/keyrx/token (yours)
API = daemon_url() + "/api"    # KEYRX_URL, else http://127.0.0.1:9867
TOKEN = script_token()         # exits naming every place it looked when there is no token

s = requests.Session()
s.headers["Authorization"] = f"Bearer {TOKEN}"
device_id = sys.argv[1]

r = s.get(f"{API}/devices/{device_id}", timeout=10)
if r.status_code == 404:
    sys.exit(r.json()["detail"])  # every error is problem+json with a sentence in "detail"
r.raise_for_status()
# If-Match: only if nobody changed it since we read it (else 412 and we read again)
r = s.patch(f"{API}/devices/{device_id}", json={"enabled": not r.json()["enabled"]},
            headers={"If-Match": r.headers["ETag"]}, timeout=10)
r.raise_for_status()
print(f"{device_id}: enabled={r.json()['enabled']} grabbed={r.json()['grabbed']}")
