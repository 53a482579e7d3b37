/**
 * The script tag's settings (`data-*` attributes, `boot()` options: strings as written) as the
 * widget's mount options. Shared by the first screen (`../boot.ts`) and the command API
 * (`commander.ts`), so both mount the same widget.
 */
import type { LoaderConfig } from '../../boot-options.ts';
import { isHexColor } from '../../color-cache.ts';
import type { RuntimeOptions, RuntimeStorage } from '../../../src/types.ts';
import type { MountAppOptions } from '../mount.tsx';

export const mountOptions = (
  settings: LoaderConfig,
  root: ShadowRoot,
  open: boolean,
  storage: RuntimeStorage | undefined,
  contextToken = settings.contextToken,
  // `boot({ getContextToken })` only: a function has no `data-*` form.
  getContextToken?: RuntimeOptions['getContextToken'],
): MountAppOptions => ({
  root,
  runtime: { baseUrl: settings.api, slug: settings.slug, contextToken, storage, getContextToken },
  color: isHexColor(settings.color) ? settings.color : undefined,
  open,
  sound: settings.sound === '' || settings.sound === 'true',
  titleBlink: settings.titleBlink !== 'false',
  locale: settings.locale,
});
