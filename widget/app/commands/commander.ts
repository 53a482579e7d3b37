/**
 * `window.Ringnity(...)` in full, for the script tag: `boot`/`shutdown` (idempotent: one widget,
 * one runtime, one socket per page at most, however often the site boots it), placement, consent
 * and the command API of `../../command/handle.ts`. A chunk: the first screen (`../boot.ts`)
 * loads it when a call or setting needs it, handing over the widget it may have mounted already.
 */
import type { ComponentType } from 'preact';
import type { BootOptions, CommandHandler, LoaderConfig, QueuedCall } from '../../boot-options.ts';
import { createWidgetHandle, type MountFn, type WidgetHandle } from '../../command/handle.ts';
import { clearLocalStorage, createWidgetStorage, wipeStorage } from '../../command/storage.ts';
import type { RingnityBootOptions } from '../../command/types.ts';
import type { RuntimeOptions } from '../../../src/types.ts';
import { mountApp, type ConsentGateProps, type WidgetController } from '../mount.tsx';
import { placeWidget } from './placement.ts';
import { mountOptions } from './settings.ts';

/** A `data-*` flag: present and not `"false"`. */
const flag = (value: string | undefined) => value !== undefined && value !== 'false';

/** `boot()` options in the `data-*` form (strings), so both go through the same checks. */
function fromBoot(options: RingnityBootOptions, api: string | undefined): Partial<LoaderConfig> {
  const out: Record<string, string> = {};
  // Functions (`getContextToken`) have no `data-*` form: kept apart by the caller.
  for (const [key, value] of Object.entries(options)) if (value !== undefined && value !== false && typeof value !== 'function') out[key] = String(value);
  if (!out.api && api) out.api = api;
  return out;
}

/**
 * @param mounted the widget the first screen mounted (a plain tag), taken over as it is
 */
export function command({ host: given, root: givenRoot, config: tagConfig, queue, openNow }: BootOptions, mounted?: WidgetController): CommandHandler {
  const doc = document;
  let handle: WidgetHandle | undefined;
  let host = given;
  let root = givenRoot;
  let config = tagConfig;
  let open = openNow;
  let taken = mounted;
  // `boot({ getContextToken })`: asked by the runtime for a fresh context token at every session minting.
  let getContextToken: RuntimeOptions['getContextToken'];
  // A widget runs or is starting: a second `boot` changes nothing.
  let booted = false;
  // Mounting may wait for the consent chunk and `shutdown` is async (deleting the database): in order.
  let settled: Promise<void> = Promise.resolve();
  // Calls made while no widget runs (before the first `boot`, or between `shutdown` and `boot`): run once one does.
  const waiting: QueuedCall[] = [];

  function start(settings: LoaderConfig, gate: ComponentType<ConsentGateProps> | undefined) {
    if (!host || !host.isConnected) {
      host = doc.createElement('ringnity-widget');
      root = host.attachShadow({ mode: 'open' });
      doc.body.append(host);
    }
    const shadow = root!;
    const launcher = { ...settings, hideLauncher: flag(settings.hideLauncher), hideWhenOffline: flag(settings.hideWhenOffline) };
    const mount: MountFn = (storage, contextToken) =>
      placeWidget(mountApp({ ...mountOptions(settings, shadow, open, storage, contextToken, getContextToken), gate, onConsent: storage.release }), shadow, launcher);
    handle = createWidgetHandle(window, createWidgetStorage(!!gate), mount, taken && placeWidget(taken, shadow, launcher));
    taken = undefined;
    open = false;
    for (const call of waiting.splice(0)) handle.run(...call);
  }

  function begin(settings: LoaderConfig) {
    config = settings;
    booted = true;
    settled = settled
      .then(() => (settings.consent === 'required' ? import('./consent-gate.tsx').then((m) => m.ConsentGate) : undefined))
      // Without the consent chunk nothing starts: the site required consent.
      .then((gate) => void (!handle && config === settings && start(settings, gate)), () => undefined);
  }

  const run = (...[command, ...args]: QueuedCall) => {
    if (command === 'boot') {
      const options = (args[0] ?? {}) as RingnityBootOptions;
      if (!booted) getContextToken = options.getContextToken;
      else if (options.getContextToken && !getContextToken) {
        // A tag with `data-slug` booted already, and the first screen may have mounted its widget
        // without the callback: mount again with it (as `identify({ contextToken })` does), so a
        // signed-in visitor is never silently anonymous. The callback wins over a static token.
        getContextToken = options.getContextToken;
        const again: QueuedCall = ['identify', { contextToken: config?.contextToken }];
        if (handle) handle.run(...again);
        else if (taken) waiting.push(again);
      }
      const next = { ...config, ...fromBoot(options, config?.api ?? new URL('/api', doc.baseURI).href) } as LoaderConfig;
      if (options.open) open = true;
      // Booting a running (or starting) widget again (a second tag, a framework re-render) changes nothing.
      if (!booted && next.slug) begin(next);
      return;
    }
    if (command === 'shutdown') {
      const gone = handle;
      handle = undefined;
      booted = false;
      taken?.destroy();
      taken = undefined;
      host?.remove();
      host = undefined;
      config = undefined;
      // Never booted on this page: what an earlier page stored goes all the same.
      settled = settled.then(() => {
        clearLocalStorage();
        return gone ? gone.shutdown() : wipeStorage();
      });
      return;
    }
    if (handle) handle.run(command, ...args);
    else waiting.push([command, ...args]);
  };

  if (config) begin(config);
  for (const call of queue.splice(0)) run(...call);
  return run;
}
