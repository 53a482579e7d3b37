/**
 * The widget app chunk (`dist/widget/app.js`) the script-tag loader imports: takes over the
 * loader's shadow root and runs the calls queued before it arrived. Kept small: a plain tag
 * (a slug, a colour, a language) is mounted here at once and only opened, closed or toggled;
 * everything else of the command API (placement, consent, events, identity, page details,
 * `boot`/`shutdown`) is `./commands/commander.ts`, a chunk loaded when such a call or setting
 * comes, or when the chat starts (the agent is then told which page the visitor is on).
 */
import type { BootOptions, CommandHandler, QueuedCall } from '../boot-options.ts';
import { idbStorage } from '../command/idb.ts';
import { mountOptions } from './commands/settings.ts';
import { mountApp, type WidgetController } from './mount.tsx';

// Calls the first screen runs itself.
const PANEL = /^(open|show|close|hide|toggle)$/;
// Settings the first screen handles; any other (placement, consent, …) waits for the command API.
const PLAIN = /^(slug|api|color|sound|titleBlink|locale|contextToken)$/;

export function boot(options: BootOptions): CommandHandler {
  const { root, config, queue } = options;
  let widget: WidgetController | undefined;
  let handler: CommandHandler | undefined;
  let loading: Promise<unknown> | undefined;
  // Calls for the command API, in order, until it is there.
  const waiting: QueuedCall[] = [];
  const upgrade = () =>
    (loading ??= import('./commands/commander.ts').then(
      // The widget mounts first if it still waits for its task: the command API takes it over.
      ({ command }) => (early && mount(), (handler = command({ ...options, openNow: options.openNow && !widget, queue: waiting }, widget))),
      // Not loaded (offline): the next call tries again; what waits stays queued.
      () => (loading = undefined),
    ));
  // Panel calls that came before the mount below, run once it is done.
  let early: QueuedCall[] | undefined;
  const run: CommandHandler = (...call) => {
    if (handler) return handler(...call);
    const [name] = call;
    if (early && PANEL.test(name)) return void early.push(call);
    if (widget && PANEL.test(name)) return name == 'toggle' ? widget.toggle() : /^(open|show)$/.test(name) ? widget.open() : widget.close();
    waiting.push(call);
    void upgrade();
  };
  // A queued `boot({ getContextToken })` must reach the runtime before any session starts, so the
  // quick path (mount at once) is not taken: the command chunk mounts with the callback.
  if (root && config && Object.keys(config).every((key) => PLAIN.test(key)) && !queue.some(([name, o]) => name === 'boot' && typeof (o as { getContextToken?: unknown } | undefined)?.getContextToken === 'function')) {
    // Fetched on idle, the app mounts in a task of its own, not in the one that evaluated its
    // modules: two shorter tasks instead of one long one on the host page (issue 9). A click that
    // is waiting (`openNow`) gets the panel at once.
    if (options.openNow) mount();
    else (early = []), setTimeout(() => early && mount());
  } else void upgrade();
  function mount() {
    const calls = early ?? [];
    early = undefined;
    const mounted = (widget = mountApp(mountOptions(config!, root!, options.openNow, idbStorage())));
    mounted.runtime.status.subscribe((status) => status != 'idle' && void upgrade());
    for (const call of calls) run(...call);
  }
  for (const call of queue.splice(0)) run(...call);
  return run;
}
