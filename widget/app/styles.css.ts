/**
 * The widget app's one stylesheet, applied to its shadow root as a constructable stylesheet
 * (no `<style>` element, no `style=""`, so a CSP without 'unsafe-inline' works). Colours are
 * variables: the theme sheet (`theme.ts`) sets the tenant's accent, the text on it (`--rn-on`)
 * and the accent as text/focus ring (`--rn-ink`), both chosen for contrast, and swaps in
 * `DARK` for the dark scheme. Parts that show only in some states (files, ratings, the ended
 * block, the error state, forms…) bring their own rules in their chunks (`chunk-styles.ts`).
 *
 * Inside the panel only logical properties (`inline-start`/`end`), so `dir="rtl"` on the root
 * mirrors it. The launcher and the panel are placed physically (right, or left when the site
 * asks: `../loader-style.ts`), like the loader's launcher, so nothing jumps when the app takes
 * over. At ≤ 480 px the panel covers the visual viewport (`viewport.ts`), so the composer stays
 * above the on-screen keyboard. Nothing is drawn while closed but the launcher.
 */

/** The panel's background in the dark scheme (the theme computes `--rn-ink` against it). */
export const DARK_BG = '#1b1f24';

/** The variables of the dark scheme (light ones are the defaults below); all text on them reads at ≥ 4.5:1. */
export const DARK = `color-scheme:dark;--rn-fg:#e6e8eb;--rn-muted:#a4abb4;--rn-line:#3a4149;--rn-bg:${DARK_BG};--rn-soft:#2b3138;--rn-err:#f2958c;--rn-read:#8ab4f8;`;

export const appCss = `
:host{all:initial}
.rn{color-scheme:light;--rn-accent:#3b4a5a;--rn-on:#fff;--rn-ink:#3b4a5a;--rn-fg:#1d232a;--rn-muted:#5d6670;--rn-line:#e3e6ea;--rn-bg:#fff;--rn-soft:#f1f3f5;--rn-err:#b3261e;--rn-read:#1a73e8;
font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--rn-fg);-webkit-font-smoothing:antialiased}
.rn *,.rn *::before,.rn *::after{box-sizing:border-box}
button{font:inherit;color:inherit}
svg{width:24px;height:24px;fill:currentColor;flex:none}
.rn :focus-visible{outline:2px solid var(--rn-ink);outline-offset:2px}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;margin:0;padding:0;border:0;border-radius:50%;
background:var(--rn-accent);color:var(--rn-on);cursor:pointer;display:grid;place-items:center;box-shadow:0 4px 14px rgba(0,0,0,.25)}
.launcher svg{width:28px;height:28px}
.launcher:focus-visible{outline-color:#1d232a;box-shadow:0 0 0 2px #fff}
.badge{position:absolute;top:-4px;inset-inline-end:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#d93025;color:#fff;
font-size:12px;font-weight:700;line-height:22px;text-align:center;box-shadow:0 0 0 2px #fff}
.panel{position:fixed;right:20px;bottom:88px;z-index:2147483001;width:370px;height:min(600px,calc(100dvh - 110px));display:flex;flex-direction:column;
background:var(--rn-bg);border-radius:14px;overflow:hidden;box-shadow:0 12px 40px rgba(0,0,0,.22);animation:rn-in .16s ease-out}
@keyframes rn-in{from{opacity:0;transform:translateY(8px)}}
@media (max-width:480px){.panel{inset:var(--rn-vt,0) 0 auto;width:100%;height:var(--rn-vh,100%);border-radius:0}}
@media (prefers-reduced-motion:reduce){.rn *{animation:none!important;transition:none!important}}
.header{display:flex;align-items:center;gap:4px;padding:12px 10px;padding-inline-start:18px;background:var(--rn-accent);color:var(--rn-on)}
.header :focus-visible{outline-color:currentColor;outline-offset:-2px}
.heading{flex:1;min-width:0}
.logo{flex:none;width:28px;height:28px;margin-inline-end:6px;object-fit:contain}
.logo[hidden]{display:block;visibility:hidden}
.calls{min-width:36px}.calls[data-n="2"]{min-width:74px}
.title{margin:0;font-size:16px;font-weight:650;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.availability{margin:2px 0 0;font-size:12px;display:flex;align-items:center;gap:6px;white-space:nowrap;overflow:hidden}
.dot{width:8px;height:8px;border-radius:50%;background:#b8bec6;flex:none}
.dot.online{background:#3ddc6f}.dot.away{background:#ffc233}
.icon-button,.send,.attach{display:grid;place-items:center;width:36px;height:36px;padding:0;border:0;border-radius:8px;background:none;cursor:pointer}
.icon-button:hover{background:rgba(127,127,127,.2)}
.banner{padding:6px 14px;background:#fff4d6;color:#6b4f00;font-size:13px;text-align:center}
.list{flex:1;overflow-y:auto;padding:16px 14px 8px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}
.list:focus-visible{outline-offset:-2px}
.greeting{margin:0 0 4px;padding:12px 14px;border-radius:12px;background:var(--rn-soft)}
.msg{display:flex;flex-direction:column;max-width:82%;align-self:flex-start}
.msg.own{align-self:flex-end;align-items:flex-end}
.msg.system{align-self:center;max-width:90%;color:var(--rn-muted);font-size:13px;text-align:center}
.sender,.meta{margin:0 4px 2px;font-size:12px;color:var(--rn-muted)}
.meta{margin:2px 4px 0}
.bubble{padding:9px 13px;border-radius:16px;border-end-start-radius:4px;background:var(--rn-soft);white-space:pre-wrap;overflow-wrap:anywhere}
.own .bubble{background:var(--rn-accent);color:var(--rn-on);border-radius:16px;border-end-end-radius:4px}
.system .bubble{background:none;padding:0}
.bubble a{color:inherit;text-decoration:underline}
.bubble code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;padding:1px 4px;border-radius:4px;background:rgba(127,127,127,.2)}
.failed .bubble{outline:2px dashed var(--rn-err);outline-offset:1px}
.failed .meta,.why,.retry{color:var(--rn-err)}
.retry{margin-inline-start:6px;padding:0;border:0;background:none;font-size:12px;font-weight:650;text-decoration:underline;cursor:pointer}
.composer{display:flex;align-items:flex-end;gap:8px;padding:10px;padding-inline-start:14px;border-top:1px solid var(--rn-line)}
.input{flex:1;min-height:40px;max-height:140px;field-sizing:content;resize:none;margin:0;padding:9px 12px;border:1px solid var(--rn-line);border-radius:10px;
font:inherit;color:inherit;background:var(--rn-bg)}
.send,.attach{width:40px;height:40px;border-radius:10px;color:var(--rn-muted)}
.send{background:var(--rn-accent);color:var(--rn-on)}
.send:disabled{opacity:.4;cursor:default}
[dir=rtl] .send svg{scale:-1 1}
.attach:hover{background:var(--rn-soft)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
button.link,.link{padding:0;border:0;background:none;color:inherit;font-size:12px;text-decoration:underline;cursor:pointer}
.row{display:flex;align-items:flex-start;gap:4px;max-width:100%}
.ticks.read{color:var(--rn-read);font-weight:700}
.typing{margin:0;padding:2px 16px 6px;font-size:12px;font-style:italic;color:var(--rn-muted)}
.typing:empty{padding:0}
.notice{display:flex;gap:8px;align-items:flex-start;margin:0;padding:8px 14px;background:#fdecea;color:#8c1d18;font-size:13px}
.notice .link{margin-inline-start:auto}
.center{text-align:center}
`;
