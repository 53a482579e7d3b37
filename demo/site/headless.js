// A chat UI of our own on the runtime core (`ringnity-web`): no widget, plain DOM. The core keeps
// the connection, the history, the outbox and the receipts; this page only draws its signals.
import { createRuntime, isRuntimeError } from '/sdk/core/index.js';

const runtime = createRuntime({ baseUrl: new URL('/api', location.href).href, slug: 'acme' });
const status = document.getElementById('status');
const list = document.getElementById('messages');
const form = document.getElementById('composer');
const input = document.getElementById('text');

const who = (message) => (message.senderType === 'visitor' ? 'You' : message.senderName || 'Support');

// Every change of the timeline redraws it (text only: a message is never HTML).
runtime.conversation.messages.subscribe((messages) => {
  list.replaceChildren(
    ...messages.map((message) => {
      const item = document.createElement('li');
      item.dataset.sender = message.senderType;
      item.dataset.state = message.state;
      item.textContent = `${who(message)}: ${message.deleted ? '(deleted)' : message.body}`;
      return item;
    }),
  );
});
runtime.status.subscribe((value) => (status.textContent = value === 'connected' ? 'Connected' : `Connection: ${value}`));
runtime.on('error', (error) => (status.textContent = `Problem: ${error.message}`));
// The page is in view: messages from the team count as read.
runtime.setVisible(document.visibilityState === 'visible');
document.addEventListener('visibilitychange', () => runtime.setVisible(document.visibilityState === 'visible'));

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  try {
    // Creates the visitor and connects on the first message, then sends (queued while offline).
    await runtime.start();
    await runtime.conversation.send(text);
  } catch (error) {
    status.textContent = isRuntimeError(error) ? `${error.code}: ${error.message}` : String(error);
  }
});

// A returning visitor sees the conversation at once; a first-time one connects on first send.
if (await runtime.hasVisitor()) await runtime.start().catch(() => undefined);
