import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { message, openChat, openConversation, openTwoSides, sendText, signIn, type TwoSides } from './two-sides.ts';

// The console never loses a visitor message whose live frame it missed, even when its own
// reply (numbered after the missed one) arrives first.
describe('console catch-up', () => {
  let t: TwoSides;
  let dropping = false;

  beforeAll(async () => {
    t = await openTwoSides();
    // The agent's socket goes through a route that can swallow frames (a lossy network).
    await t.agent.page.routeWebSocket(/\/api\/realtime/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((frame) => {
        if (!(dropping && String(frame).includes('message.created'))) ws.send(frame);
      });
    });
    await signIn(t.agent.page, t.server.origin);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('shows a visitor message whose frame was lost, once a later one shows the gap', async () => {
    const visitor = t.visitor.page;
    const desk = t.agent.page;
    await openChat(visitor, t.server.origin);
    await sendText(visitor, 'Hello, one question about returns');
    await openConversation(desk, 'about returns');
    await message(desk, 'visitor', 'about returns').waitFor();

    dropping = true;
    await sendText(visitor, 'Can I return worn boots?');
    await message(visitor, 'visitor', 'worn boots').and(visitor.locator('[data-state="sent"], [data-state="delivered"], [data-state="read"]')).waitFor();
    // The agent answers before seeing it: the send answer holds a later seq than the lost one.
    await desk.getByTestId('reply-input').fill('Let me check that for you.');
    await desk.getByTestId('reply-send').click();
    await message(desk, 'agent', 'check that for you').waitFor();
    dropping = false;

    await sendText(visitor, 'Thanks!');
    await message(desk, 'visitor', 'Thanks!').waitFor();
    await message(desk, 'visitor', 'worn boots').waitFor();
    const texts = await desk.getByTestId('message').allInnerTexts();
    const order = ['about returns', 'worn boots', 'check that for you', 'Thanks!'].map((s) => texts.findIndex((x) => x.includes(s)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('raised no uncaught error on either side', () => {
    expect(t.visitor.errors).toEqual([]);
    expect(t.agent.errors).toEqual([]);
  });
});
