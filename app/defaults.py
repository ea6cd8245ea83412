"""The daemon's settings defaults (data only; `create_app` loads them with `from_object`).

Each can be overridden by a KEYRX_<NAME> environment variable (values are parsed as JSON when
they parse, so KEYRX_PORT=9000 is a number), and then by the mapping given to `create_app`.
The address gunicorn binds is KEYRX_HOST (default 127.0.0.1) and PORT: see `app.paths.bind`.
"""
PORT = 9867
DATA_DIR = None            # None: $XDG_DATA_HOME/keyrx, or /var/lib/keyrx as root
TOKEN = None               # None: generated once and stored in DATA_DIR/token (0600)
AUTH = "token"             # "none" disables the token check (a warning is logged)
ALLOWED_HOSTS: list[str] = []    # extra Host values (host or host:port) besides loopback
ALLOWED_ORIGINS: list[str] = []  # extra Origin values besides the daemon's own
HW_BACKEND = "auto"        # auto | evdev | virtual | none
VIRTUAL_KEYBOARDS = 2
MAX_BODY_BYTES = 1048576
BUS_CAPACITY = 1000
BUS_PUT_TIMEOUT = 1.0
RING_SIZE = 4096
HEARTBEAT_S = 15
WRITE_TIMEOUT_S = 5.0
CLIENT_QUEUE = 2048        # events buffered per WebSocket client before it counts as slow
CLIENT_QUEUE_BYTES = 16777216  # ... or this many bytes of them
PING_S = 20                # WebSocket protocol pings; a peer that misses one is closed (1008)
LOG_LEVEL = "INFO"
