/**
 * The type of `window.Ringnity`: one overload per command. `widget/ringnity-global.d.ts`
 * (published as `ringnity-web/global`) declares the global with it.
 */
import type { IdentifyOptions, PageMetadata, RingnityBootOptions, WidgetEventName, WidgetListener } from './types.ts';

/**
 * `window.Ringnity(command, ...args)`: calls made before the loader ran (through the snippet's
 * stub) or before the app loaded are queued and run in order.
 * @example
 * Ringnity('boot', { slug: 'acme', position: 'left' });
 * Ringnity('on', 'unread', (count) => (badge.textContent = String(count)));
 * Ringnity('update', { plan: 'pro' });
 */
export interface RingnityCommand {
  (command: 'boot', options?: RingnityBootOptions): void;
  (command: 'shutdown'): void;
  (command: 'open' | 'close' | 'toggle' | 'hideLauncher' | 'showLauncher'): void;
  (command: 'identify', identity: IdentifyOptions): void;
  (command: 'update', metadata?: PageMetadata): void;
  (command: 'navigate', url: string): void;
  (command: 'consent', granted: boolean): void;
  <E extends WidgetEventName>(command: 'on' | 'off', event: E, listener: WidgetListener<E>): void;
}
