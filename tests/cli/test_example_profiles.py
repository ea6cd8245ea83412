"""The example profiles shipped in app/profiles validate offline and do what their descriptions say."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.paths import example_profiles
from tests.conftest import ApiClient

PROFILES = example_profiles()
CASES = {
    "caps-ctrl-esc": [("d:capslock t:50 u:capslock", "d:esc u:esc"),
                      ("d:capslock t:300 d:c u:c u:capslock", "d:leftctrl d:c u:c u:leftctrl")],
    "vim-nav": [("d:space t:50 u:space", "d:space u:space"),
                ("d:space d:j u:j u:space", "d:down u:down"),
                ("d:space t:300 d:y u:y u:space", "d:leftctrl d:c u:c u:leftctrl")],
    "home-row-mods": [("d:f t:50 u:f", "d:f u:f"),
                      ("d:f t:300 d:a u:a u:f", "d:leftshift d:a u:a u:leftshift"),
                      ("d:d d:k u:k u:d", "d:leftctrl d:k u:k u:leftctrl")],
    "ctrl-nav": [("d:capslock d:c u:c u:capslock", "d:leftctrl d:c u:c u:leftctrl"),
                 ("d:capslock d:j u:j u:capslock", "d:leftctrl u:leftctrl d:down u:down d:leftctrl u:leftctrl"),
                 ("d:capslock u:capslock", "d:leftctrl u:leftctrl")],
    "home-row-mods-tuned": [("d:f t:50 u:f", "d:f u:f"),
                            ("d:f t:20 d:j u:j u:f", "d:leftshift d:j u:j u:leftshift"),
                            ("d:f t:20 d:r u:r u:f", "d:f d:r u:r u:f"),
                            ("d:r u:r t:20 d:d t:20 d:k u:k u:d", "d:r u:r d:d d:k u:k u:d"),
                            ("d:f t:30 u:f t:100 d:f t:400 u:f", "d:f u:f d:f u:f")],
    "leader-keys": [("d:rightalt u:rightalt d:g u:g d:s u:s",
                     "d:g u:g d:i u:i d:t u:t d:space u:space d:s u:s d:t u:t d:a u:a d:t u:t d:u u:u d:s u:s "
                     "d:enter u:enter"),
                    ("d:rightalt u:rightalt d:g u:g d:x u:x", "d:g u:g d:x u:x"),
                    ("d:capslock u:capslock d:a u:a d:space u:space d:a u:a",
                     "d:leftshift d:a u:leftshift u:a d:space u:space d:a u:a"),
                    ("d:f1 u:f1 t:50 d:f1 u:f1 t:300", "d:end u:end")],
}


def test_every_example_has_cases() -> None:
    assert {p.stem for p in PROFILES} == set(CASES)


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_example_validates_offline(path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(path.read_text())["name"] == path.stem


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_example_does_what_it_says(api: ApiClient, path: Path) -> None:
    profile = json.loads(path.read_text())
    for script, expected in CASES[path.stem]:
        r = api.post("/api/simulate", json={"profile": profile, "script": script})
        assert r.status_code == 200, r.get_json()
        got = " ".join(f"{'d' if o['action'] == 'press' else 'u'}:{o['key']}" for o in r.get_json()["output"])
        assert got == expected, (script, got)


def test_check_points_at_the_mistake(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"layers": {"base": {"capslock": {"tap": "esc", "hold": "ctrll"}}}, "nmae": "x"}')
    r = CliRunner().invoke(main, ["check", str(broken)])
    assert r.exit_code == 1
    assert f"{broken}: layers.base.capslock.hold: unknown key 'ctrll'" in r.stderr
    assert f"{broken}: nmae: Unknown field." in r.stderr
    syntax = tmp_path / "syntax.json"
    syntax.write_text('{\n  "layers": {\n    "base": {"a": "b",}\n  }\n}\n')
    r = CliRunner().invoke(main, ["--json", "check", str(syntax), str(PROFILES[0])])
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    assert report["valid"] is False and report["files"][str(PROFILES[0])]["valid"] is True
    assert list(report["files"][str(syntax)]["errors"]) == ["line 3 column 23"]
