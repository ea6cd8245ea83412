"""List the keyboards KeyRx knows, with their state.  Usage: python list_devices.py"""
import os
import pathlib

import requests

API = os.environ.get("KEYRX_URL", "http://127.0.0.1:9867") + "/api"
TOKEN = os.environ.get("KEYRX_TOKEN") or (pathlib.Path.home() / ".local/share/keyrx/token").read_text().strip()

s = requests.Session()
s.headers["Authorization"] = f"Bearer {TOKEN}"

r = s.get(f"{API}/devices", timeout=10)
r.raise_for_status()
for d in r.json()["devices"]:
    state = "grabbed" if d["grabbed"] else "connected" if d["connected"] else "unplugged"
    print(f"{d['id']:40} {d['label'] or d['name']:30} {state:10} enabled={d['enabled']}")
