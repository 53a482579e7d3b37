/**
 * The chat window: header, connection banner, messages and composer, or the error state when
 * the chat cannot work. A non-modal dialog; Escape closes it and focus goes back to the launcher.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { WidgetModel } from '../model.ts';
import { Composer } from './composer.tsx';
import { ConnectionBanner } from './connection-banner.tsx';
import { ErrorState } from './error-state.tsx';
import { Header } from './header.tsx';
import { MessageList } from './message-list.tsx';

export interface PanelProps {
  model: WidgetModel;
  onClose(): void;
  /** Called as the panel closes while focus is inside it. */
  returnFocus(): void;
}

export function Panel({ model, onClose, returnFocus }: PanelProps) {
  const { runtime } = model;
  const failure = model.failure.value;
  const bootstrap = runtime.bootstrap.value;
  const title = bootstrap?.branding?.name ?? bootstrap?.tenant.name ?? 'Chat';
  const panel = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  // Focus the composer on open (or the close button when the chat cannot work).
  useLayoutEffect(() => {
    (input.current ?? panel.current?.querySelector('button'))?.focus();
  }, [failure === null]);
  // On close, give focus back to the launcher if it was in here, so keyboard users are not
  // dropped on <body>. (Hook cleanups run before Preact removes the DOM.)
  useLayoutEffect(() => {
    const el = panel.current!;
    return () => {
      const active = (el.getRootNode() as Document | ShadowRoot).activeElement;
      if (active && el.contains(active)) returnFocus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
    }
  };

  return (
    <div ref={panel} id="rn-panel" class="panel" role="dialog" aria-labelledby="rn-title" data-testid="panel" onKeyDown={onKeyDown}>
      <Header title={title} onClose={onClose} />
      {failure ? (
        <ErrorState failure={failure} onRetry={() => model.start()} />
      ) : (
        <>
          <ConnectionBanner status={runtime.status.value} />
          <MessageList model={model} />
          <Composer model={model} inputRef={input} />
        </>
      )}
    </div>
  );
}
