// Reports the focused window to the KeyRx daemon (PUT /api/focus) with the token in
// ~/.config/keyrx/focus-token. GNOME Shell 45+ (ES modules, Soup 3).
import GLib from 'gi://GLib';
import Soup from 'gi://Soup?version=3.0';
import {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';

const URL = 'http://127.0.0.1:9867/api/focus';

export default class KeyrxFocus extends Extension {
    enable() {
        this._session = new Soup.Session();
        const path = GLib.build_filenamev([GLib.get_user_config_dir(), 'keyrx', 'focus-token']);
        const [ok, bytes] = GLib.file_get_contents(path);
        this._token = ok ? new TextDecoder().decode(bytes).trim() : '';
        this._id = global.display.connect('notify::focus-window', () => this._report());
        this._report();
    }

    _report() {
        const w = global.display.focus_window;
        const msg = Soup.Message.new(w ? 'PUT' : 'DELETE', URL);
        msg.request_headers.append('Authorization', `Bearer ${this._token}`);
        if (w) {
            const body = JSON.stringify({app_id: (w.get_wm_class() || '').slice(0, 256),
                                         title: (w.get_title() || '').slice(0, 1024), source: 'gnome'});
            msg.set_request_body_from_bytes('application/json', new GLib.Bytes(new TextEncoder().encode(body)));
        }
        this._session.send_and_read_async(msg, GLib.PRIORITY_DEFAULT, null, () => {});
    }

    disable() {
        global.display.disconnect(this._id);
        const msg = Soup.Message.new('DELETE', URL);
        msg.request_headers.append('Authorization', `Bearer ${this._token}`);
        this._session.send_and_read_async(msg, GLib.PRIORITY_DEFAULT, null, () => {});
        this._session = null;
    }
}
