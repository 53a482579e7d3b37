/**
 * The command API behind `window.Ringnity(...)` and the `mountWidget()` handle: events, identity,
 * page details, the launcher's visibility and consent. Part of the command API's chunk
 * (`../../command/handle.ts`), so none of it weighs on the first screen.
 */
import { effect } from '@preact/signals';
import type { VisitorIdentity } from '../../../src/contract/extensions.ts';
import type { PlacedWidget } from './placement.ts';
import type { PageMetadata, WidgetCommands, WidgetEventName, WidgetEvents, WidgetListener } from '../../command/types.ts';
import { trackPage, type PageTracker } from './page-tracker.ts';

export interface WidgetApi extends Omit<WidgetCommands, 'identify'> {
  /** Unverified identity; a context token needs a new runtime, which the handle does. */
  identify(identity: VisitorIdentity): void;
  /** Follows this widget (again, after a remount with a context token), keeping the listeners. */
  attach(widget: PlacedWidget): void;
  /** Tells `ready` listeners (now and later ones) that the widget takes commands. */
  ready(): void;
  /** Stops following the widget and forgets the listeners. */
  stop(): void;
}

export function createWidgetApi(win: Window): WidgetApi {
  const listeners = new Map<WidgetEventName, Set<(payload: never) => void>>();
  let isReady = false;
  let detach = () => {};
  let page: PageTracker | undefined;
  let widget: PlacedWidget | undefined;
  const pending: PageMetadata = {};

  function emit<E extends WidgetEventName>(event: E, payload: WidgetEvents[E]): void {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      // One site listener that throws must not stop the others (nor the widget).
      try {
        (listener as WidgetListener<E>)(payload);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  function follow(next: PlacedWidget): () => void {
    const { runtime } = next;
    let first = true;
    let calls: (() => void) | undefined;
    page = trackPage(runtime, win, (metadata) => runtime.identify({}, metadata));
    page.update(pending);
    const stops = [
      effect(() => {
        const open = next.isOpen.value;
        if (!first) emit(open ? 'open' : 'close', undefined);
      }),
      effect(() => {
        const unread = runtime.unread.value;
        if (!first) emit('unread', unread);
      }),
      runtime.on('message', (message) => emit('message', message)),
      runtime.on('error', (error) => emit('error', error)),
      // Calls are a chunk of the core: loaded only for a site listening to `call`, once started.
      runtime.status.subscribe((status) => {
        if (calls || status !== 'connected' || !listeners.get('call')?.size) return;
        calls = () => {};
        runtime.calls().then(
          (c) => (calls = c.current.subscribe((call) => call && emit('call', call))),
          () => (calls = undefined),
        );
      }),
    ];
    first = false;
    return () => {
      for (const stop of stops) stop();
      calls?.();
      page?.stop();
    };
  }

  return {
    attach(next) {
      detach();
      widget = next;
      detach = follow(next);
    },
    ready() {
      isReady = true;
      emit('ready', undefined);
    },
    stop() {
      detach();
      listeners.clear();
      widget = undefined;
    },
    open: () => widget?.open(),
    close: () => widget?.close(),
    toggle: () => widget?.toggle(),
    hideLauncher: () => widget && (widget.launcherHidden.value = true),
    showLauncher: () => widget && (widget.launcherHidden.value = false),
    consent(granted) {
      // Withdrawing consent is `shutdown()`: it also removes what was stored.
      if (granted) widget?.consent();
    },
    identify(identity) {
      if (!widget?.consented.value) return;
      // Before the runtime runs (no visitor yet), identity waits for the first page send.
      if (widget?.runtime.status.peek() === 'idle') widget.runtime.start().then(() => widget?.runtime.identify(identity), () => undefined);
      else void widget?.runtime.identify(identity).catch((e: unknown) => e);
    },
    update(metadata = {}) {
      Object.assign(pending, metadata);
      page?.update(metadata);
    },
    navigate: (url) => page?.navigate(url),
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      if (event === 'ready' && isReady) (listener as WidgetListener<'ready'>)(undefined);
    },
    off(event, listener) {
      listeners.get(event)?.delete(listener as (payload: never) => void);
    },
  };
}
