"""`keyrx check --host-layout`: text checked for the desktop's layout, offline."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from app.cli import main


def test_host_layout_overrides_the_setting(tmp_path: Path) -> None:
    text = tmp_path / "text.json"
    text.write_text(json.dumps({"settings": {"host_layout": {"layout": "fr"}},
                                "layers": {"base": {"f2": {"macro": [{"text": "é"}]}}}}))
    assert CliRunner().invoke(main, ["check", str(text)]).exit_code == 0
    r = CliRunner().invoke(main, ["check", "--host-layout", "us", str(text)])
    assert r.exit_code == 1
    assert f"{text}: layers.base.f2.macro.0.text: character 'é' at 0 cannot be typed on host layout 'us'" in r.stderr
    assert CliRunner().invoke(main, ["check", "--host-layout", "us:intl", str(text)]).exit_code == 0
    r = CliRunner().invoke(main, ["check", "--host-layout", "frr", str(text)])
    assert "settings.host_layout.layout: unknown layout 'frr' (did you mean 'fr'?)" in r.stderr
