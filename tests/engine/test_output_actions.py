"""Validation of mouse output, host layouts and unicode: the 422s by path (peers-2 §3.4, §3.6)."""

from typing import Any

import pytest

from hw.engine import compile_profile, validate_profile
from hw.engine.layout import FALLBACK, Resolver, Typist, fallback_table, parse_unicode


def base(**keys: Any) -> dict[str, Any]:
    return {"layers": {"base": keys}}


@pytest.mark.parametrize("profile,path,needle", [
    (base(f2={"wheel": "sideways"}), "layers.base.f2.wheel", "must be one of up, down, left, right"),
    (base(f2={"wheel": "up", "notches": 11}), "layers.base.f2.notches", "from 1 to 10"),
    (base(f2={"wheel": "up", "repeat_ms": 10}), "layers.base.f2.repeat_ms", "0 (no repeat)"),
    (base(f2={"wheel": "up", "speed": 1}), "layers.base.f2.speed", "unknown field"),
    (base(f3={"move": "diagonal"}), "layers.base.f3.move", "must be one of"),
    (base(f3={"move": "up", "speed": 0}), "layers.base.f3.speed", "from 1 to 20000"),
    (base(f3={"move": "up", "accel_ms": 5001}), "layers.base.f3.accel_ms", "from 0 to 5000"),
    (base(f3={"move_scale": 0}), "layers.base.f3.move_scale", "must be a number"),
    (base(f3={"move_scale": "x"}), "layers.base.f3.move_scale", "must be a number"),
    (base(f1="btn_gamepad"), "layers.base.f1", "btn_left … btn_task"),
    (base(f1="ctrl+btn_0"), "layers.base.f1", "can be output"),
    (base(f1={"macro": ["btn_trigger"]}), "layers.base.f1.macro.0", "can be output"),
    (base(f2={"macro": [{"text": "é"}]}), "layers.base.f2.macro.0.text", "'é' at 0"),
    (base(f2={"macro": [{"text": "é"}]}), "layers.base.f2.macro.0.text", "layout 'us'"),
    (base(f2={"unicode": "ab"}), "layers.base.f2.unicode", "one character"),
    (base(f2={"unicode": "U+D800"}), "layers.base.f2.unicode", "one character"),
    (base(f2={"unicode": "é"}), "layers.base.f2.unicode", "'é' at 0 cannot be typed on host layout 'us'"),
    ({**base(), "settings": {"host_layout": {"layout": "dee"}}}, "settings.host_layout.layout",
     "unknown layout 'dee' (did you mean 'de'?)"),
    ({**base(), "settings": {"host_layout": {"layout": "us", "variant": "nope"}}},
     "settings.host_layout.variant", "unknown variant 'nope'"),
    ({**base(), "settings": {"host_layout": "de"}}, "settings.host_layout", "must be an object"),
    ({**base(), "settings": {"host_layout": {"layout": "de", "x": 1}}}, "settings.host_layout.x", "unknown field"),
    ({**base(), "settings": {"unicode_method": "compose"}}, "settings.unicode_method", "none, ctrl_shift_u"),
    ({**base(), "settings": {"unicode_terminator": "tab"}}, "settings.unicode_terminator", "space, enter"),
])
def test_errors_at_their_path(profile: dict[str, Any], path: str, needle: str) -> None:
    errors = validate_profile(profile)
    assert path in errors, errors
    assert any(needle in message for message in errors[path]), errors[path]


def test_each_character_that_cannot_be_typed_is_named() -> None:
    errors = validate_profile({**base(f2={"macro": ["a", {"text": "aéb€"}]}),
                               "settings": {"host_layout": {"layout": "de"}}})
    assert errors == {"layers.base.f2.macro.1.text": [
        "character 'é' at 1 cannot be typed on host layout 'de' (set settings.unicode_method to "
        "'ctrl_shift_u' to type it by code point)"]}  # € is AltGr+e on de


def test_the_profile_says_when_it_needs_the_pointer_device() -> None:
    assert not compile_profile(base(a="b")).pointer
    assert compile_profile(base(a="btn_left")).pointer
    assert compile_profile(base(a={"tap": "a", "hold": "ctrl+btn_right"})).pointer
    assert compile_profile(base(a={"wheel": "up"})).pointer
    assert compile_profile(base(a={"move": "up"})).pointer
    assert compile_profile({"layers": {"base": {}}, "combos": [{"keys": ["j", "k"], "action": "btn_middle"}]}).pointer


def test_buttons_are_still_input_keys() -> None:
    assert validate_profile({"layers": {"base": {"btn_side": "ctrl+c", "btn_extra": "btn_left"}}}) == {}


def test_an_injected_resolver_gives_the_layouts() -> None:
    table = {"z": (21, 0), "y": (44, 0)}
    resolver = Resolver(lambda layout, variant: table if layout == "mine" else None, lambda: ["mine"])
    profile = {**base(f2={"macro": [{"text": "zy"}]}), "settings": {"host_layout": {"layout": "mine"}}}
    assert validate_profile(profile, resolver) == {}
    assert "settings.host_layout.layout" in validate_profile(profile)  # the in-repo tables lack it
    assert "settings.host_layout.layout" in validate_profile(
        {**base(), "settings": {"host_layout": {"layout": "de"}}}, resolver)


def test_unicode_spellings() -> None:
    assert parse_unicode("é") == "é"
    assert parse_unicode("U+00E9") == "é"
    assert parse_unicode("u+1f600") == "\U0001F600"
    assert parse_unicode("U+") is None and parse_unicode("U+110000") is None and parse_unicode(3) is None


def test_in_repo_tables() -> None:
    assert set(FALLBACK.names()) >= {"us", "de", "fr", "gb", "es", "it"}
    for layout, variant in [("us", ""), ("de", ""), ("fr", ""), ("gb", ""), ("es", ""), ("it", ""),
                            ("us", "dvorak"), ("us", "colemak")]:
        table = fallback_table(layout, variant)
        assert table is not None and table["\n"] == (28, 0) and table[" "] == (57, 0)
    dvorak = Typist(fallback_table("us", "dvorak") or {})
    assert dvorak.char_ops("s") == [(39, 1), (39, 0)]  # s is on the semicolon key
