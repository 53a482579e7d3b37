/**
 * Styles of the call UI (adopted by the call chunk when it first renders, `chunk-styles.ts`):
 * the call view, its controls and the header's call buttons. The same sheet serves the call
 * page, which sets the same `--rn-*` variables.
 */
export const CALL_CSS = `
.call-bar{display:flex;align-items:center;gap:2px}
.call svg,.call-link svg{width:22px;height:22px;fill:currentColor;flex:none}
.call{display:flex;flex-direction:column;gap:10px;flex:1;min-height:0;padding:12px;background:var(--rn-bg);color:var(--rn-fg)}
.call-stage{position:relative;flex:1;min-height:180px;border-radius:12px;overflow:hidden;background:#1d232a;color:#fff;display:grid;place-items:center}
.call-remote{width:100%;height:100%;object-fit:cover;background:#000}
.call-local{position:absolute;right:10px;bottom:10px;width:28%;max-width:140px;aspect-ratio:3/4;object-fit:cover;border-radius:8px;
border:2px solid rgba(255,255,255,.8);background:#000;transform:scaleX(-1)}
.call-who{display:flex;flex-direction:column;align-items:center;gap:10px}
.call-avatar{display:grid;place-items:center;width:72px;height:72px;border-radius:50%;background:var(--rn-accent);font-size:30px;font-weight:650}
.call-name{font-size:17px;font-weight:600}
.call-timer{position:absolute;top:10px;left:50%;transform:translateX(-50%);padding:2px 10px;border-radius:999px;background:rgba(0,0,0,.45);
font-size:13px;font-variant-numeric:tabular-nums}
.call-status{margin:0;text-align:center;font-size:14px;color:var(--rn-muted)}
.call-status.call-error{color:#8c1d18;background:#fdecea;border-radius:8px;padding:8px 10px;text-align:left}
.call-note{margin:0;padding:6px 10px;border-radius:8px;background:#fff4d6;color:#6b4f00;font-size:13px}
.call-controls{display:flex;justify-content:center;gap:12px}
.call-button{display:grid;place-items:center;width:48px;height:48px;padding:0;border:0;border-radius:50%;background:var(--rn-soft);color:var(--rn-fg);cursor:pointer}
.call-button[aria-pressed="true"]{background:var(--rn-fg);color:#fff}
.call-button.hang-up{background:#d93025;color:#fff}
.call-button:focus-visible,.call-devices select:focus-visible,.call-after button:focus-visible{outline:2px solid var(--rn-accent);outline-offset:2px}
.call-devices{display:flex;flex-direction:column;gap:6px}
.call-device{display:flex;align-items:center;gap:8px;font-size:13px}
.call-device span{flex:none;width:80px;color:var(--rn-muted)}
.call-device select{flex:1;min-width:0;padding:6px;border:1px solid var(--rn-line);border-radius:8px;font:inherit;background:#fff;color:inherit}
.call-after{display:flex;flex-direction:column;gap:8px;align-items:stretch}
.call-layer{position:absolute;inset:0;z-index:3;display:flex;flex-direction:column;background:var(--rn-bg)}
.call-top{display:flex;align-items:center;gap:4px;padding:10px 10px 10px 18px;background:var(--rn-accent);color:#fff}
.call-top h3{flex:1;margin:0;font-size:16px;font-weight:650;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.call-return{padding:4px 10px;border:0;border-radius:999px;background:#fff;color:var(--rn-accent);font-size:13px;font-weight:650;cursor:pointer}
.call-link{display:flex;flex-direction:column;gap:6px;font-size:13px}
.call-link input{width:100%;padding:7px 9px;border:1px solid var(--rn-line);border-radius:8px;font:12px ui-monospace,monospace;color:inherit}
.call-link-button{display:inline-flex;align-items:center;justify-content:center;gap:6px;padding:7px 12px;border:1px solid var(--rn-line);border-radius:10px;background:#fff;color:inherit;font-size:13px;cursor:pointer}
`;
