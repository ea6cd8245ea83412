"""What the daemon does, one service per resource, and the runtime that holds them.

Lives here: `Devices` (devices.py: the Device view, recording what the hardware reports,
update, forget, inject), `Profiles` (profiles.py: the profile writes, activation, the compile
cache), `Runtime` (runtime.py: builds the parts, starts and stops the broadcaster and the hw
thread, hands the loop its configuration, counts `key` subscribers), `Focus` (focus.py: the
focused window and what matched), `Layers` (layers.py: layer state and control, virtual keys),
`run_on_loop` (loopcall.py: a loop command, awaited) and the errors a service
raises besides the store's (errors.py). May import `hw` (its public names), `app.store`,
`app.events` (bus and broadcaster; never ws/) and `app.clock`; never Flask. The views in
app/api call exactly one service method per request; errors are mapped in app/errors.py.
"""
from __future__ import annotations

from .devices import Devices
from .errors import Invalid, Missing, NotApplied, WrongState
from .profiles import Profiles
from .runtime import Runtime, build

__all__ = ["Devices", "Invalid", "Missing", "NotApplied", "Profiles", "Runtime", "WrongState", "build"]
