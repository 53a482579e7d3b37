/**
 * What gets the visitor's attention for new messages while they are not looking (panel closed
 * or tab hidden): the page title alternates with "(N) New messages" (in the widget's language) and, if the site owner turned
 * it on, a short chime plays (Web Audio, no sound file to download). Both stop once they look.
 * A lazily loaded chunk: `notify.ts` feeds it the unread count.
 */
import { enViews } from './i18n/en-views.ts';

export interface AlertOptions {
  titleBlink: boolean;
  sound: boolean;
  doc: Document;
  /** The unread count already known about: a rise above it is news. */
  seen: number;
  /** The title shown for `count` new messages, in the widget's language. @default English, `(2) New messages` */
  title?: (count: number) => string;
}

export interface Alerts {
  /** The unread count or whether the visitor looks changed. */
  update(count: number, looking: boolean): void;
  /** Stops blinking (putting our title back) and releases the audio. */
  stop(): void;
}

const BLINK_MS = 1_200;

export function createAlerts({ titleBlink, sound, doc, seen, title = enViews.newMessages }: AlertOptions): Alerts {
  let timer: ReturnType<typeof setInterval> | undefined;
  let original: string | null = null;
  let alert = '';
  let audio: AudioContext | undefined;

  const stopBlink = () => {
    clearInterval(timer);
    timer = undefined;
    // Only our own text is put back: a title the page set meanwhile stays.
    if (original !== null && doc.title === alert) doc.title = original;
    original = null;
  };
  const chime = () => {
    try {
      audio ??= new AudioContext();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      const t = audio.currentTime;
      osc.frequency.setValueAtTime(880, t);
      osc.frequency.setValueAtTime(660, t + 0.12);
      gain.gain.setValueAtTime(0.08, t);
      gain.gain.exponentialRampToValueAtTime(0.001, t + 0.35);
      osc.connect(gain).connect(audio.destination);
      osc.start(t);
      osc.stop(t + 0.36);
    } catch {
      // No audio (blocked autoplay, no device): the badge and title still show it.
    }
  };

  return {
    update(count, looking) {
      const grew = count > seen;
      seen = count;
      if (looking || count === 0) return stopBlink();
      if (grew && sound) chime();
      // Only a new message starts it: looking away with old unread ones left does not (a running
      // blink just shows the new count).
      if (!titleBlink || (!grew && timer === undefined)) return;
      original ??= doc.title;
      alert = title(count);
      clearInterval(timer);
      doc.title = alert;
      timer = setInterval(() => {
        // Neither our text nor the saved one: the page changed its title (a SPA route); keep that one.
        if (doc.title !== alert && doc.title !== original) original = doc.title;
        doc.title = doc.title === alert ? original! : alert;
      }, BLINK_MS);
    },
    stop() {
      stopBlink();
      void audio?.close().catch(() => undefined);
    },
  };
}
