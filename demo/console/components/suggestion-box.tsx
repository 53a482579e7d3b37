/**
 * "Suggested reply": the AI's answer to the visitor's pending messages, quoted from the help
 * centre with its sources, and "Insert" to put it into the reply box, where the agent edits and
 * sends it as their own message. Hidden when the tenant has no AI suggestions or nothing waits.
 */
import type { Assistant } from '../assistant.ts';
import { formatMessage } from '../../../widget/format.ts';
import { Sources } from './sources.tsx';

export function SuggestionBox({ assistant, onInsert }: { assistant: Assistant; onInsert(text: string): void }) {
  const state = assistant.suggestion.value;
  if (!assistant.enabled.value || state.kind === 'idle') return null;
  return (
    <aside class={`suggestion suggestion-${state.kind}`} aria-label="Suggested reply" data-testid="suggestion" data-state={state.kind}>
      <span class="suggestion-head">
        <span class="tag ai-label">AI</span> Suggested reply
      </span>
      {state.kind === 'loading' && <span class="muted">Looking in the help centre…</span>}
      {state.kind === 'none' && <span class="muted">The help centre has no answer to this question.</span>}
      {state.kind === 'error' && (
        <span class="row">
          <span class="problem-text">{state.message}</span>
          <button type="button" class="link" onClick={() => assistant.retry()}>
            Try again
          </button>
        </span>
      )}
      {state.kind === 'ready' && (
        <>
          <span class="body" data-testid="suggestion-body">
            {formatMessage(state.suggestion.body)}
          </span>
          <span class="row">
            <Sources citations={state.suggestion.citations} />
            <span class="spacer" />
            <button type="button" data-testid="suggestion-insert" onClick={() => onInsert(state.suggestion.body)}>
              Insert
            </button>
          </span>
        </>
      )}
    </aside>
  );
}
