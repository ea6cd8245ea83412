"""List the keyboards KeyRx knows, with their state.  Usage: python list_devices.py"""

import requests

from app.paths import daemon_url, script_token

# the keyrx package's lookup (run with the Python keyrx is installed in, e.g. .venv/bin/python):
# KEYRX_TOKEN, else /var/lib/keyrx/token (the service's), else $XDG_DATA_HOME/keyrx/token (yours)
API = daemon_url() + "/api"    # KEYRX_URL, else http://127.0.0.1:9867
TOKEN = script_token()         # exits naming every place it looked when there is no token

s = requests.Session()
s.headers["Authorization"] = f"Bearer {TOKEN}"

r = s.get(f"{API}/devices", timeout=10)
r.raise_for_status()
for d in r.json()["devices"]:
    state = "grabbed" if d["grabbed"] else "connected" if d["connected"] else "unplugged"
    print(f"{d['id']:40} {d['label'] or d['name']:30} {state:10} enabled={d['enabled']}")
