// Browser KeyboardEvent.code -> Linux key name (the KEY_* name in lower case).

const NAMED = {
  Escape: "esc", Backquote: "grave", Minus: "minus", Equal: "equal", Backspace: "backspace",
  Tab: "tab", BracketLeft: "leftbrace", BracketRight: "rightbrace", Backslash: "backslash",
  CapsLock: "capslock", Semicolon: "semicolon", Quote: "apostrophe", Enter: "enter",
  ShiftLeft: "leftshift", ShiftRight: "rightshift", Comma: "comma", Period: "dot", Slash: "slash",
  ControlLeft: "leftctrl", ControlRight: "rightctrl", AltLeft: "leftalt", AltRight: "rightalt",
  MetaLeft: "leftmeta", MetaRight: "rightmeta", OSLeft: "leftmeta", OSRight: "rightmeta",
  Space: "space", ContextMenu: "compose", IntlBackslash: "102nd",
  ArrowUp: "up", ArrowDown: "down", ArrowLeft: "left", ArrowRight: "right",
  Insert: "insert", Delete: "delete", Home: "home", End: "end", PageUp: "pageup", PageDown: "pagedown",
  PrintScreen: "sysrq", ScrollLock: "scrolllock", Pause: "pause", NumLock: "numlock",
  NumpadDivide: "kpslash", NumpadMultiply: "kpasterisk", NumpadSubtract: "kpminus",
  NumpadAdd: "kpplus", NumpadEnter: "kpenter", NumpadDecimal: "kpdot",
  AudioVolumeMute: "mute", AudioVolumeDown: "volumedown", AudioVolumeUp: "volumeup",
};

export function linuxKey(code) {
  if (NAMED[code]) return NAMED[code];
  let m = code.match(/^Key([A-Z])$/);
  if (m) return m[1].toLowerCase();
  m = code.match(/^Digit(\d)$/);
  if (m) return m[1];
  m = code.match(/^F(\d{1,2})$/);
  if (m) return `f${m[1]}`;
  m = code.match(/^Numpad(\d)$/);
  if (m) return `kp${m[1]}`;
  return null;
}
