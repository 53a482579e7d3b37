import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { notifyUnread } from '../../../widget/app/notify.ts';

// The page title the visitor sees in the tab strip while a new message waits.
describe('new-message title blink', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setup = (titleBlink = true) => {
    const unread = signal(0);
    const looking = signal(false);
    const doc = { title: 'Acme Outdoor' } as Document;
    const stop = notifyUnread({ unread, looking, titleBlink, sound: false, doc });
    return { unread, looking, doc, stop };
  };
  // The blink and chime load with the first new message (a chunk of their own).
  const loaded = () => vi.dynamicImportSettled();

  it('alternates the title with the unread count while the visitor is not looking', async () => {
    const { unread, doc } = setup();
    unread.value = 2;
    await loaded();
    expect(doc.title).toBe('(2) New messages');
    vi.advanceTimersByTime(1200);
    expect(doc.title).toBe('Acme Outdoor');
    vi.advanceTimersByTime(1200);
    expect(doc.title).toBe('(2) New messages');
  });

  it('puts the original title back once the visitor looks', async () => {
    const { unread, looking, doc } = setup();
    unread.value = 1;
    await loaded();
    looking.value = true;
    expect(doc.title).toBe('Acme Outdoor');
    vi.advanceTimersByTime(5000);
    expect(doc.title).toBe('Acme Outdoor');
  });

  it('leaves the title alone when the site owner turned the blink off', async () => {
    const { unread, doc } = setup(false);
    unread.value = 3;
    await loaded();
    vi.advanceTimersByTime(3000);
    expect(doc.title).toBe('Acme Outdoor');
  });

  it('restores the title when the widget is removed mid-blink', async () => {
    const { unread, doc, stop } = setup();
    unread.value = 1;
    await loaded();
    stop();
    expect(doc.title).toBe('Acme Outdoor');
  });
  it('keeps a title the page set mid-blink and never brings the old one back', async () => {
    const { unread, looking, doc } = setup();
    unread.value = 1;
    await loaded();
    // A single-page app moves to another route while the alert shows.
    doc.title = 'Acme Outdoor – Tents';
    vi.advanceTimersByTime(1200);
    expect(doc.title).toBe('(1) New message');
    vi.advanceTimersByTime(1200);
    expect(doc.title).toBe('Acme Outdoor – Tents');
    looking.value = true;
    expect(doc.title).toBe('Acme Outdoor – Tents');
  });

  it('does not overwrite a title the page set just before the visitor looks', async () => {
    const { unread, looking, doc } = setup();
    unread.value = 1;
    await loaded();
    vi.advanceTimersByTime(1200);
    doc.title = 'Checkout';
    looking.value = true;
    vi.advanceTimersByTime(5000);
    expect(doc.title).toBe('Checkout');
  });
  it('starts only for a new message, not when the visitor looks away with unread ones left', async () => {
    const { unread, looking, doc } = setup();
    looking.value = true;
    unread.value = 2;
    looking.value = false;
    vi.advanceTimersByTime(5000);
    expect(doc.title).toBe('Acme Outdoor');
    unread.value = 3;
    await loaded();
    expect(doc.title).toBe('(3) New messages');
  });
});
