/**
 * Where the site asked the launcher and panel to be (side, offsets, z-index) and whether the
 * launcher shows (`hideLauncher`, or `hideWhenOffline` while no agent is available and AI is off):
 * a stylesheet adopted after the app's own, so it wins. Added in the same task as the widget is
 * mounted (no frame in the wrong place) or, for a widget the first screen mounted with defaults,
 * when the command API takes it over.
 */
import { computed, effect, signal, type Signal } from '@preact/signals';
import { placement, type PlacementInput } from '../../loader-style.ts';
import type { WidgetController } from '../mount.tsx';

/** Settings that decide the launcher's place and visibility (validated here). */
export interface LauncherSettings extends PlacementInput {
  hideLauncher?: boolean;
  hideWhenOffline?: boolean;
}

/** A widget whose launcher the site places and hides. */
export interface PlacedWidget extends WidgetController {
  /** The site hid the launcher (`hideLauncher()`); `open()` still works. */
  readonly launcherHidden: Signal<boolean>;
}

/** Rules that move the launcher and (on wide screens) the panel; empty when the site asked for nothing. */
export function placementCss(p: PlacementInput): string {
  if (p.position === undefined && p.offsetX === undefined && p.offsetY === undefined && p.zIndex === undefined) return '';
  const [side, x, y, z] = placement(p);
  return (
    // The panel above the launcher at every width: on a phone it covers the screen, Send included.
    `.launcher{inset:auto;${side}:${x}px;bottom:${y}px;z-index:${z}}.panel{z-index:${z + 1}}` +
    `@media (min-width:481px){.panel{inset:auto;${side}:${x}px;bottom:${y + 68}px}}`
  );
}

/** Places `widget`'s launcher in `root`; its `destroy()` removes the rules too. */
export function placeWidget(widget: WidgetController, root: ShadowRoot, settings: LauncherSettings): PlacedWidget {
  const { runtime } = widget;
  const sheet = new CSSStyleSheet();
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const launcherHidden = signal(!!settings.hideLauncher);
  const hidden = computed(() => {
    if (launcherHidden.value) return true;
    if (!settings.hideWhenOffline) return false;
    // Known only once the runtime started (a returning visitor): a first-time visitor sees the launcher.
    const nobody = runtime.availability.value?.state === 'offline';
    const ai = runtime.bootstrap.value?.services.some((s) => s.key === 'ai_chat' && s.status === 'available');
    return nobody && !ai && !widget.isOpen.value;
  });
  const placed = placementCss(settings);
  const stop = effect(() => sheet.replaceSync(placed + (hidden.value ? '.launcher{display:none}' : '')));
  return {
    ...widget,
    launcherHidden,
    destroy() {
      stop();
      root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== sheet);
      widget.destroy();
    },
  };
}
