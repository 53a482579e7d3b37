/**
 * Incoming calls: one card per call ringing for the team, above everything, with Accept and
 * Decline. A card goes away when anyone answers or the call ends (the call desk's `ringing`).
 * A screen reader hears each new call once, from a live region that holds only the calls' names
 * (the cards' buttons change as the agent answers, and must not be read out again).
 */
import type { CallSession } from '../../../src/contract/extensions.ts';
import type { CallDesk } from '../calls.ts';
import type { Desk } from '../desk.ts';
import { callKind } from '../call-text.ts';
import { CallIcon } from './call-icon.tsx';
import { visitorName } from './names.ts';

export function IncomingCalls({ calls, desk }: { calls: CallDesk; desk: Desk }) {
  const ringing = calls.ringing.value;
  const problem = calls.problem.value;
  // Always in the page, so that what is added to it is announced (a region added with its text is often not).
  const announce = (
    <p class="sr-only" aria-live="assertive" data-testid="incoming-announce">
      {ringing.map((call) => `${ringingText(call, desk)}. `).join('')}
    </p>
  );
  if (ringing.length === 0 && !problem) return announce;
  return (
    <>
      {announce}
      <section class="incoming" aria-label="Incoming calls">
        {ringing.map((call) => (
          <RingCard key={call.id} call={call} calls={calls} desk={desk} />
        ))}
        {problem && (
          <p class="incoming-problem" role="alert" data-testid="call-problem">
            {problem}
          </p>
        )}
      </section>
    </>
  );
}

/** "Incoming video call from Ana": the card's heading, and what the live region says. */
function ringingText(call: CallSession, desk: Desk): string {
  const conversation = desk.conversation(call.conversationId);
  return `Incoming ${callKind(call.type).toLowerCase()} from ${conversation ? visitorName(conversation) : 'A visitor'}`;
}

function RingCard({ call, calls, desk }: { call: CallSession; calls: CallDesk; desk: Desk }) {
  const conversation = desk.conversation(call.conversationId);
  const name = conversation ? visitorName(conversation) : 'A visitor';
  const answering = calls.answering.value;
  const inCall = calls.active.value !== null && calls.active.value.phase.value !== 'ended';
  const kind = callKind(call.type);
  const headingId = `ring-${call.id}`;
  return (
    <article class={`ring-card ring-${call.type}`} aria-labelledby={headingId} data-testid="incoming-call" data-call-id={call.id}>
      <CallIcon type={call.type} class="ring-icon" />
      <div class="ring-text">
        <h2 id={headingId}>{ringingText(call, desk)}</h2>
        <button type="button" class="link" onClick={() => desk.select(call.conversationId)} data-testid="call-open-conversation">
          Open the conversation
        </button>
        {inCall && <span class="muted"> · finish your current call to answer</span>}
      </div>
      <button
        type="button"
        class="accept"
        disabled={inCall || answering !== null}
        onClick={() => {
          desk.select(call.conversationId);
          void calls.accept(call.id);
        }}
        aria-label={`Accept the ${kind.toLowerCase()} from ${name}`}
        data-testid="call-accept"
      >
        {answering === call.id ? 'Answering…' : 'Accept'}
      </button>
      <button
        type="button"
        class="decline"
        disabled={answering === call.id}
        onClick={() => void calls.decline(call.id)}
        aria-label={`Decline the ${kind.toLowerCase()} from ${name}`}
        data-testid="call-decline"
      >
        Decline
      </button>
    </article>
  );
}
