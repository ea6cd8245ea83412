"""GET /api/meta hands the UI the vocabulary it would otherwise copy."""
from __future__ import annotations

import hw
from app import vocab
from tests.conftest import ApiClient


def test_meta_is_the_one_source(api: ApiClient) -> None:
    r = api.get("/api/meta")
    assert r.status_code == 200
    meta = r.get_json()
    assert meta["topics"] == list(vocab.TOPICS) and "key" in meta["topics"]
    assert meta["default_topics"] == [t for t in vocab.TOPICS if t not in ("key", "focus")]
    assert {e.split(".")[0] for e in meta["events"]} == set(vocab.TOPICS)
    assert meta["read_only"] == {"profile": ["active", "revision", "created_at", "updated_at"]}
    assert meta["settings"] == {"tap_hold_ms": 200, "combo_ms": 50, "oneshot_ms": 1000, "combo_hold_ms": 0,
                                "tap_dance_ms": 200, "caps_word_ms": 5000, "sequence_ms": 1000,
                                "require_prior_idle_ms": 0, "quick_tap_ms": 0, "output_gap_ms": 0,
                                "layer_led": None, "pause_chord": None}
    assert "capslock" in meta["keys"] and all(hw.is_key(k) for k in meta["keys"])
    assert meta["version"]


def test_meta_needs_the_token(api: ApiClient) -> None:
    assert ApiClient(api.client, token=None).get("/api/meta").status_code == 401

