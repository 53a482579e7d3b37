/**
 * The widget app's one stylesheet, applied to its shadow root as a constructable stylesheet
 * (no `<style>` element, no `style=""`, so a CSP without 'unsafe-inline' works). The tenant
 * colour comes in as `--rn-accent` from a second sheet (`theme.ts`). The launcher matches the
 * loader's (`../loader-style.ts`) so nothing moves when the app takes over. Parts that show only
 * in some states (files, ratings, the ended block, the error state, forms…) bring their own
 * rules in their chunks (`chunk-styles.ts`).
 */
export const appCss = `
:host{all:initial}
.rn{--rn-accent:#3b4a5a;--rn-fg:#1d232a;--rn-muted:#5d6670;--rn-line:#e3e6ea;--rn-bg:#fff;--rn-soft:#f1f3f5;
font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--rn-fg);-webkit-font-smoothing:antialiased}
.rn *,.rn *::before,.rn *::after{box-sizing:border-box}
button{font:inherit;color:inherit}
svg{width:24px;height:24px;fill:currentColor;flex:none}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;margin:0;padding:0;border:0;border-radius:50%;
background:var(--rn-accent);color:#fff;cursor:pointer;display:grid;place-items:center;box-shadow:0 4px 14px rgba(0,0,0,.25)}
.launcher svg{width:28px;height:28px}
.launcher:focus-visible{outline:3px solid var(--rn-accent);outline-offset:3px}
.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#d93025;color:#fff;
font-size:12px;font-weight:700;line-height:22px;text-align:center;box-shadow:0 0 0 2px #fff}
.panel{position:fixed;right:20px;bottom:88px;z-index:2147483001;width:370px;height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;
background:var(--rn-bg);border-radius:14px;overflow:hidden;box-shadow:0 12px 40px rgba(0,0,0,.22);animation:rn-in .16s ease-out}
@keyframes rn-in{from{opacity:0;transform:translateY(8px)}}
@media (prefers-reduced-motion:reduce){.panel{animation:none}}
@media (max-width:480px){.panel{inset:0;width:100%;height:100%;border-radius:0}}
.header{display:flex;align-items:center;gap:4px;padding:12px 10px 12px 18px;background:var(--rn-accent);color:#fff}
.heading{flex:1;min-width:0}
.title{margin:0;font-size:16px;font-weight:650;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.availability{margin:2px 0 0;font-size:12px;opacity:.92;display:flex;align-items:center;gap:6px}
.dot{width:8px;height:8px;border-radius:50%;background:#b8bec6;flex:none}
.dot.online{background:#3ddc6f}.dot.away{background:#ffc233}
.icon-button{display:grid;place-items:center;width:36px;height:36px;padding:0;border:0;border-radius:8px;background:transparent;cursor:pointer}
.icon-button:hover{background:rgba(255,255,255,.16)}
.icon-button:focus-visible{outline:2px solid #fff}
.banner{padding:6px 14px;background:#fff4d6;color:#6b4f00;font-size:13px;text-align:center;border-bottom:1px solid #f2e2b3}
.list{flex:1;overflow-y:auto;padding:16px 14px 8px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}
.greeting{margin:0 0 4px;padding:12px 14px;border-radius:12px;background:var(--rn-soft);color:var(--rn-fg)}
.msg{display:flex;flex-direction:column;max-width:82%;align-self:flex-start}
.msg.own{align-self:flex-end;align-items:flex-end}
.msg.system{align-self:center;max-width:90%;color:var(--rn-muted);font-size:13px;text-align:center}
.sender{margin:0 4px 2px;font-size:12px;color:var(--rn-muted)}
.bubble{padding:9px 13px;border-radius:16px;background:var(--rn-soft);white-space:pre-wrap;overflow-wrap:anywhere}
.own .bubble{background:var(--rn-accent);color:#fff;border-bottom-right-radius:4px}
.msg:not(.own) .bubble{border-bottom-left-radius:4px}
.system .bubble{background:none;padding:0}
.bubble a{color:inherit;text-decoration:underline}
.bubble code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;padding:1px 4px;border-radius:4px;background:rgba(0,0,0,.08)}
.own .bubble code{background:rgba(255,255,255,.2)}
.meta{margin:2px 4px 0;font-size:12px;color:var(--rn-muted)}
.failed .bubble{opacity:.7}
.failed .meta{color:#b3261e}
.retry{margin-left:6px;padding:0;border:0;background:none;color:#b3261e;font-size:12px;font-weight:650;text-decoration:underline;cursor:pointer}
.composer{display:flex;align-items:flex-end;gap:8px;padding:10px 10px 10px 14px;border-top:1px solid var(--rn-line)}
.input{flex:1;min-height:40px;max-height:140px;field-sizing:content;resize:none;margin:0;padding:9px 12px;border:1px solid var(--rn-line);border-radius:10px;
font:inherit;color:inherit;background:#fff}
.input:focus{outline:2px solid var(--rn-accent);outline-offset:-1px;border-color:transparent}
.send{display:grid;place-items:center;width:40px;height:40px;padding:0;border:0;border-radius:10px;background:var(--rn-accent);color:#fff;cursor:pointer}
.send:disabled{opacity:.4;cursor:default}
.send:focus-visible{outline:2px solid var(--rn-accent);outline-offset:2px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
button.link,.link{padding:0;border:0;background:none;color:inherit;font-size:12px;text-decoration:underline;cursor:pointer}
.row{display:flex;align-items:flex-start;gap:4px;max-width:100%}
.own .row{flex-direction:row}
.attach:focus-visible{outline:2px solid var(--rn-accent);outline-offset:1px}
.ticks.read{color:#1a73e8;font-weight:700}
.why{color:#b3261e}
.typing{margin:0;padding:2px 16px 6px;font-size:12px;font-style:italic;color:var(--rn-muted)}
.notice{display:flex;gap:8px;align-items:flex-start;margin:0;padding:8px 14px;background:#fdecea;color:#8c1d18;font-size:13px}
.notice .link{margin-left:auto}
.attach{display:grid;place-items:center;width:40px;height:40px;padding:0;border:0;border-radius:10px;background:none;color:var(--rn-muted);cursor:pointer}
.attach:hover{background:var(--rn-soft)}
.center{text-align:center}
`;
