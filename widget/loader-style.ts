/**
 * The launcher's stylesheet, drawn by the loader before the app exists. The app's own
 * stylesheet (`app/styles.css.ts`) draws the same button, so nothing moves when it takes over.
 * @param color a validated CSS colour for the button
 */
export const launcherCss = (color: string): string =>
  `button{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;margin:0;padding:0;border:0;border-radius:50%;background:${color};color:#fff;cursor:pointer;display:grid;place-items:center;box-shadow:0 4px 14px rgba(0,0,0,.25)}` +
  `button:focus-visible{outline:3px solid ${color};outline-offset:3px}` +
  `svg{width:28px;height:28px;fill:currentColor}` +
  `[aria-busy]{cursor:progress}[aria-busy] svg{animation:p 1s infinite alternate}` +
  `[data-failed]{background:#8a8f96}` +
  `@keyframes p{to{opacity:.4}}`;
