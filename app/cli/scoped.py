"""`keyrx token --scope NAME`: mint a scoped token in the daemon's data dir (app/tokens.py)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .. import paths, tokens
from .base import Options
from .client import CliError


def data_dir_of(opts: Options) -> Path:
    """The daemon's data dir: --data-dir or KEYRX_DATA_DIR, else the first that holds a token."""
    candidates = paths.token_files(opts.data_dir)
    for path in candidates:
        if path.exists():
            return path.parent
    return candidates[0].parent


def mint_scoped(opts: Options, scope: str) -> dict[str, Any]:
    """Mint (or replace) the token of `scope`; what to do with it, for the human output."""
    if scope not in tokens.SCOPES:
        raise CliError(f"unknown scope '{scope}'; known: {', '.join(tokens.SCOPES)}")
    data_dir = data_dir_of(opts)
    if not data_dir.is_dir():
        raise CliError(f"{data_dir} does not exist: start the daemon once, or pass --data-dir")
    try:
        value = tokens.mint(data_dir, scope)
    except PermissionError:
        raise CliError(f"cannot write {tokens.scope_file(data_dir, scope)}: run it as the daemon's "
                       "user (sudo keyrx token --scope ...)") from None
    target = Path(os.path.expanduser("~/.config/keyrx")) / f"{scope}-token"
    hint = (f"kept in {tokens.scope_file(data_dir, scope)}; the previous {scope} token no longer works.\n"
            f"As the desktop user: install -Dm600 /dev/stdin {target} <<< '<the token above>'")
    return {"token": value, "scope": scope, "file": str(tokens.scope_file(data_dir, scope)), "hint": hint}
