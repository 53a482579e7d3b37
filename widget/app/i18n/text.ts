/** Every word of the widget in one language: the type each language's table (`es.ts`, `id.ts`, `ar.ts`) fills. */
import type { CoreText } from './en.ts';
import type { CallText } from './en-call.ts';
import type { ViewText } from './en-views.ts';

/** The call words sit under `call`, apart from the others (`en-call.ts` is a table of its own). */
export type Text = CoreText & ViewText & { call: CallText };
