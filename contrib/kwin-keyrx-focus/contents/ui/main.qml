// Reports the active window to the KeyRx daemon (PUT /api/focus) with the focus token from
// the script's config (kwinrc [Script-keyrx-focus] token=...). Declarative, for XMLHttpRequest.
import QtQuick
import org.kde.kwin

Item {
    function report(w) {
        const xhr = new XMLHttpRequest();
        const url = (KWin.readConfig("url", "http://127.0.0.1:9867")) + "/api/focus";
        xhr.open(w ? "PUT" : "DELETE", url);
        xhr.setRequestHeader("Authorization", "Bearer " + KWin.readConfig("token", ""));
        xhr.setRequestHeader("Content-Type", "application/json");
        xhr.send(w ? JSON.stringify({app_id: String(w.resourceClass).slice(0, 256),
                                     title: String(w.caption).slice(0, 1024), source: "kde"}) : null);
    }
    Connections {
        target: Workspace
        function onWindowActivated(w) { report(w); }
    }
}
