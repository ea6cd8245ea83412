"""GET /ws, the live event stream (API.md §4), on flask-sock.

Lives here: the WebSocket framing (frames.py), the socket wrapper that makes every write
whole and bounded (socket.py), one connection's queue, writer and reader (client.py) and the
blueprint with the route (routes.py). May import Flask, flask-sock, simple-websocket,
`app.events` (bus, broadcaster, topics), `app.clock` and `app.errors`; nothing else of app.
"""
