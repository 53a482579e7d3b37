/**
 * `window.Ringnity` for pages that use the script tag: `/// <reference types="ringnity-web/global" />`
 * once (or `"types": ["ringnity-web/global"]` in tsconfig.json), and every call is checked.
 * Copied to `dist/ringnity-global.d.ts` by the build, beside the types it names.
 */
import type { RingnityCommand } from './types/widget/index.js';

declare global {
  interface Window {
    /** The widget's command queue (the script tag's loader). */
    Ringnity: RingnityCommand;
  }
  // `Ringnity(...)` without `window.`.
  var Ringnity: RingnityCommand;
}

export type { RingnityCommand };
