/**
 * The chat window: header, connection banner, then the view: the conversation (messages, the
 * agent's typing, and the composer, the pre-chat form, or the "ended" block, also shown, without a
 * rating, for a conversation of another device that is only read here) or the list of past
 * conversations; the error state when the chat cannot work here (a fatal start-up error). A non-modal dialog; Escape closes it
 * (not while an input method is composing) and focus goes back to what opened it (`widget.tsx`).
 * Files dropped anywhere on it are sent.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useText } from '../i18n/context.ts';
import { lazy } from '../lazy.tsx';
import type { WidgetModel } from '../model.ts';
import { Composer } from './composer.tsx';
import { ConnectionBanner } from './connection-banner.tsx';
import { Header } from './header.tsx';
import { MessageList } from './message-list.tsx';

const IdentityForm = lazy(() => import('./identity-form.tsx').then((m) => m.IdentityForm));
const PastConversations = lazy(() => import('./past-conversations.tsx').then((m) => m.PastConversations));
const Lightbox = lazy(() => import('./rich-body.tsx').then((m) => m.Lightbox));
const Ended = lazy(() => import('./ended.tsx').then((m) => m.Ended));
const ErrorState = lazy(() => import('./error-state.tsx').then((m) => m.ErrorState));
const DropHint = lazy(() => import('./drop-hint.tsx').then((m) => m.DropHint));
// AI mode (routing `ai_first`): its own chunk; until it is there, an empty composer area.
const AiComposer = lazy(() => import('../ai/ai-mode.tsx').then((m) => m.AiComposer));
const HelpSearch = lazy(() => import('../ai/help-search.tsx').then((m) => m.HelpSearch));

export interface PanelProps {
  model: WidgetModel;
  onClose(): void;
  /** Called as the panel closes while focus is inside it (the widget puts focus back once the panel is gone). */
  returnFocus(): void;
}

export function Panel({ model, onClose, returnFocus }: PanelProps) {
  const { runtime } = model;
  const { conversation } = runtime;
  const failure = model.failure.value;
  const bootstrap = runtime.bootstrap.value;
  const i18n = useText();
  const { s } = i18n;
  const title = bootstrap?.branding?.name ?? bootstrap?.tenant.name ?? s.chat;
  const panel = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const [dropping, setDropping] = useState(false);
  const past = model.view.value === 'past';
  // Another device's conversation reads like an ended one: no composer, files or rating.
  const readOnly = conversation.readOnly.value;
  const closed = conversation.closed.value || readOnly;
  const typing = conversation.typing.value;
  const fresh = conversation.id.value === null && conversation.messages.value.length === 0;
  const form = bootstrap?.sdk?.preChatForm;
  const introduced = model.introduced.value;
  const prechat = fresh && !introduced && (form === 'required' || form === 'optional') ? form : null;
  const state = runtime.availability.value?.state;
  const askEmail = !prechat && !introduced && fresh && (state === 'offline' || state === 'away');
  // The AI answers first until the visitor or the AI hands the conversation to a person.
  const aiMode = bootstrap?.services.some((s) => s.key === 'ai_chat' && s.status === 'available') && !model.human.value && !model.ai.value?.handedOff.value;

  // Focus the composer on open (or the close button when the chat cannot work).
  useLayoutEffect(() => {
    (input.current ?? panel.current?.querySelector('button'))?.focus();
  }, [failure === null, past, closed]);
  // On close, say whether focus was in here, so keyboard users are not dropped on <body>.
  // (Hook cleanups run before Preact removes the DOM; the focus moves after, in `widget.tsx`.)
  useLayoutEffect(() => {
    const el = panel.current!;
    return () => {
      const active = (el.getRootNode() as Document | ShadowRoot).activeElement;
      if (active && el.contains(active)) returnFocus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    // Escape that cancels an input method's composition (Japanese, Chinese…) is not for us.
    if (event.key === 'Escape' && !event.isComposing) {
      event.stopPropagation();
      onClose();
    }
  };
  const canDrop = !failure && !past && !closed && !prechat;
  const onDragOver = (event: DragEvent) => {
    if (!canDrop || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    setDropping(true);
  };
  const onDrop = (event: DragEvent) => {
    setDropping(false);
    if (!canDrop) return;
    event.preventDefault();
    model.sendFiles([...(event.dataTransfer?.files ?? [])], i18n);
  };

  return (
    <div
      ref={panel}
      id="rn-panel"
      class={`panel${dropping ? ' dropping' : ''}`}
      role="dialog"
      aria-modal="false"
      aria-labelledby="rn-title"
      data-testid="panel"
      onKeyDown={onKeyDown}
      onDragOver={onDragOver}
      onDragLeave={(event) => !panel.current?.contains(event.relatedTarget as Node | null) && setDropping(false)}
      onDrop={onDrop}
    >
      <Header title={title} model={model} onClose={onClose} />
      {failure ? (
        <ErrorState failure={failure} />
      ) : past ? (
        <PastConversations model={model} />
      ) : model.view.value === 'help' ? (
        <HelpSearch model={model} />
      ) : (
        <>
          <ConnectionBanner status={model.connection.value} slowDown={model.slowDown.value} />
          <MessageList model={model} />
          {/* Always there, so screen readers hear the text put in (a region mounted with it is often missed). */}
          <p class="typing" data-testid={typing && !closed ? 'typing' : undefined} aria-live="polite">
            {typing && !closed ? s.typing(typing.name ?? s.agent) : null}
          </p>
          {closed ? (
            <Ended model={model} readOnly={readOnly} />
          ) : aiMode ? (
            <AiComposer model={model} inputRef={input} />
          ) : prechat ? (
            <IdentityForm model={model} mode={prechat} />
          ) : (
            <>
              {askEmail && <IdentityForm model={model} mode="offline" />}
              <Composer model={model} inputRef={input} />
            </>
          )}
        </>
      )}
      {dropping && <DropHint />}
      {model.lightbox.value && <Lightbox model={model} />}
    </div>
  );
}
