"""The event stream: from whoever publishes (the API, the hw thread) to every client.

Lives here: the bus where greenlets and the native hw thread hand events over (bus.py, the
one module that knows gevent), the broadcaster that gives each event its seq and fans it
out (broadcaster.py), the topic vocabulary (topics.py), the gate that keeps snapshot cursors
exact (snapshots.py, with its request hooks) and the WebSocket side (ws/). May import `hw`
(its public names), `app.clock`, and in snapshots.py and ws/ Flask and `app.errors`; never
the store or the services: what an event needs from them comes in as a callable.
"""
