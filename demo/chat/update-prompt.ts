/**
 * Registers the page's service worker (sw.ts) with `workbox-window` and, when a new version has
 * installed and waits, shows an "update available" prompt over the chat instead of switching
 * under an open conversation. Its button sends `SKIP_WAITING` to the waiting worker and reloads
 * once that worker controls the page; when no worker waits any more (another tab's visitor
 * pressed Update first, and that version now controls this tab too) it reloads at once. The
 * page never reloads by itself: a new version another tab activated leaves this one as it is
 * (the files it has not loaded yet stay in the worker's kept cache, sw.ts).
 *
 * The prompt sits just under the chat's header (`below()`), so it covers neither the title nor
 * the call and close buttons, and comes after the chat in the Tab order.
 *
 * The browser looks for a new worker on each navigation; an open page (a web view kept for days)
 * also asks when it comes back to the front, when the network returns, and every hour.
 */
import { Workbox } from 'workbox-window';
import { updateText } from './update-text.ts';

const HOUR = 60 * 60 * 1000;

export interface UpdatePromptOptions {
  /** The worker's URL. @default '/chat/sw.js' */
  url?: string;
  /** Language tags for the prompt's words, best first (the tenant's, the browser's). */
  languages(): readonly (string | null | undefined)[];
  /** Where the chat's header ends (px from the top): the prompt goes under it. @default 0 */
  below?(): number;
}

/** Starts the service worker and the update prompt; does nothing where service workers are not available. */
export function installUpdatePrompt(win: Window, options: UpdatePromptOptions): void {
  if (!('serviceWorker' in win.navigator)) return;
  const doc = win.document;
  const wb = new Workbox(options.url ?? '/chat/sw.js', { scope: '/chat/' });
  let prompt: HTMLElement | undefined;
  let updating = false;
  const place = () => prompt && (prompt.style.top = `${Math.round(options.below?.() ?? 0) + 8}px`);

  const show = () => {
    if (prompt) return;
    const text = updateText(options.languages());
    prompt = doc.createElement('div');
    prompt.className = 'update';
    prompt.setAttribute('role', 'alert');
    prompt.lang = text.lang;
    prompt.dir = text.dir;
    prompt.dataset.testid = 'update-prompt';
    const line = doc.createElement('span');
    line.textContent = text.available;
    const button = doc.createElement('button');
    button.type = 'button';
    button.textContent = text.update;
    button.addEventListener('click', async () => {
      updating = true;
      button.disabled = true;
      // Nothing waits: the new version already controls this page (another tab took it).
      if (!(await win.navigator.serviceWorker.getRegistration('/chat/'))?.waiting) return win.location.reload();
      wb.messageSkipWaiting();
    });
    prompt.append(line, button);
    doc.body.append(prompt);
    place();
  };
  // The header's height changes with the width (a wrapped title) and the keyboard.
  win.addEventListener('resize', place);

  wb.addEventListener('waiting', show);
  // Only the visitor's click reloads; the first install taking the page (no worker before) does not.
  wb.addEventListener('controlling', () => updating && win.location.reload());

  const check = () => void wb.update().catch(() => undefined);
  doc.addEventListener('visibilitychange', () => doc.visibilityState === 'visible' && check());
  win.addEventListener('online', check);
  win.setInterval(check, HOUR);
  // A failed registration (a private window refusing workers, the file missing) leaves the page as it was: online only.
  void wb.register().catch(() => undefined);
}
