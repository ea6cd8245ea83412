// Starting points offered by "New profile"; each is a whole, valid profile body.

export const EXAMPLES = {
  "caps-esc-ctrl": {
    description: "Caps Lock: tap for Esc, hold for Ctrl",
    layers: { base: { capslock: { tap: "esc", hold: "leftctrl" } } },
  },
  "vim-nav": {
    description: "Hold Space for arrows on HJKL; J+K together is Esc",
    layers: {
      base: { capslock: { tap: "esc", hold: "leftctrl" }, space: { tap: "space", hold: { layer: "nav" } } },
      nav: { h: "left", j: "down", k: "up", l: "right", u: "pageup", d: "pagedown", 0: "home", 4: "end" },
    },
    combos: [{ keys: ["j", "k"], action: "esc" }],
  },
  "home-row-mods": {
    description: "Home-row modifiers: hold A S D F for Meta Alt Shift Ctrl",
    settings: { tap_hold_ms: 220 },
    layers: {
      base: {
        a: { tap: "a", hold: "leftmeta" }, s: { tap: "s", hold: "leftalt" },
        d: { tap: "d", hold: "leftshift" }, f: { tap: "f", hold: "leftctrl" },
        j: { tap: "j", hold: "rightctrl" }, k: { tap: "k", hold: "rightshift" },
        l: { tap: "l", hold: "rightalt" }, semicolon: { tap: "semicolon", hold: "rightmeta" },
      },
    },
  },
  "swap-ctrl-caps": {
    description: "Swap Caps Lock and left Ctrl",
    layers: { base: { capslock: "leftctrl", leftctrl: "capslock" } },
  },
};
