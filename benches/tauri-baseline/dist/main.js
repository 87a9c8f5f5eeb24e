// As Tessera's lock screen does: once the first frame is painted, tell the
// shell, which exits there when timing a cold start.
requestAnimationFrame(() => requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke('ready')));
