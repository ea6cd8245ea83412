"""Key name table."""

import pytest

from hw.engine import keys


@pytest.mark.parametrize("name,code", [
    ("a", 30), ("1", 2), ("esc", 1), ("capslock", 58), ("leftctrl", 29), ("rightalt", 100),
    ("leftmeta", 125), ("f13", 183), ("kp5", 76), ("volumeup", 115), ("btn_left", 272),
    ("KEY_A", 30), ("BTN_LEFT", 272), ("KEY_CAPSLOCK", 58),
    ("ctrl", 29), ("shift", 42), ("alt", 56), ("meta", 125),
])
def test_code_of(name: str, code: int) -> None:
    assert keys.code_of(name) == code
    assert keys.is_key(name)


@pytest.mark.parametrize("name", ["capslok", "A", "Key_A", "key_a", "", "KEY_", "ctrl+a"])
def test_unknown_names_raise(name: str) -> None:
    with pytest.raises(KeyError):
        keys.code_of(name)
    assert not keys.is_key(name)


def test_is_key_rejects_non_strings() -> None:
    assert not keys.is_key(30)
    assert not keys.is_key(None)


@pytest.mark.parametrize("code,name", [(30, "a"), (272, "btn_left"), (256, "btn_0"),
                                       (122, "hangeul"), (113, "mute"), (29, "leftctrl")])
def test_name_of_is_canonical(code: int, name: str) -> None:
    assert keys.name_of(code) == name


def test_every_canonical_name_round_trips() -> None:
    for name in keys.all_names():
        assert keys.name_of(keys.code_of(name)) == name


def test_suggest() -> None:
    assert keys.suggest("capslok") == "capslock"
    assert keys.suggest("Esc") == "esc"
    assert keys.suggest("leftctl") == "leftctrl"
    assert keys.suggest("qqqqqqqqq") is None


def test_modifiers() -> None:
    assert keys.MODIFIERS == {keys.code_of(n) for n in (
        "leftctrl", "rightctrl", "leftshift", "rightshift", "leftalt", "rightalt",
        "leftmeta", "rightmeta")}


@pytest.mark.parametrize(("spelling", "name"), [("escape", "esc"), ("caps", "capslock"), ("Escape", "esc"),
                                                ("cmd", "leftmeta"), ("ins", "insert"), ("bspc", "backspace")])
def test_spellings_from_other_tools_get_a_suggestion(spelling: str, name: str) -> None:
    assert keys.suggest(spelling) == name
    assert keys.key_problem(spelling) == f"unknown key '{spelling}' (did you mean '{name}'?)"


def test_every_suggested_spelling_names_a_key_and_is_not_one() -> None:
    spellings = keys._SPELLINGS  # noqa: SLF001  (the table itself is what is checked)
    assert all(keys.is_key(name) for name in spellings.values())
    assert not [s for s in spellings if keys.is_key(s)]
