/**
 * The widget app chunk (`dist/widget/app.js`) the script-tag loader imports: takes over the
 * loader's shadow root, runs the calls queued before it arrived and handles the later ones.
 */
import type { BootOptions, CommandHandler } from '../boot-options.ts';
import { mountApp, type WidgetController } from './mount.tsx';

/** `window.Ringnity(command)` commands; others (later issues) are ignored quietly. */
const COMMANDS: Record<string, (widget: WidgetController) => void> = {
  open: (widget) => widget.open(),
  show: (widget) => widget.open(),
  close: (widget) => widget.close(),
  hide: (widget) => widget.close(),
  toggle: (widget) => widget.toggle(),
};

export function boot({ root, config, queue, openNow }: BootOptions): CommandHandler {
  const widget = mountApp({
    root,
    runtime: { baseUrl: config.api, slug: config.slug },
    color: config.color,
    open: openNow,
    sound: config.sound === '' || config.sound === 'true',
    titleBlink: config.blink !== 'false',
  });
  const handle: CommandHandler = (command) => {
    if (Object.hasOwn(COMMANDS, command)) COMMANDS[command]!(widget);
  };
  for (const call of queue.splice(0)) handle(...call);
  return handle;
}
