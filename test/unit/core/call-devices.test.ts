/**
 * The device lists of the call pickers (src/calls/devices.ts), shared by the widget's call view
 * and the agent console: a real call of the visitor's runtime against the real server; only the
 * media devices are fakes (calls-fakes.ts), given an event target so they can be "plugged in".
 */
import { describe, expect, it, vi } from 'vitest';
import { deviceInUse, deviceName, inputsOf, watchDevices } from '../../../src/calls/devices.ts';
import type { CallDevice } from '../../../src/calls/types.ts';
import { callingVisitor } from './calls-hosts.ts';
import { fakeMedia } from './calls-fakes.ts';
import { useRealServer } from './real-server.ts';

const real = useRealServer();

/** Fake media devices that also fire `devicechange`, with the list they report settable. */
function pluggableMedia() {
  const media = fakeMedia();
  const events = new EventTarget();
  const devices = media.devices as unknown as Record<string, unknown>;
  const original = media.devices.enumerateDevices.bind(media.devices);
  let extra: MediaDeviceInfo[] = [];
  devices.enumerateDevices = async () => [...(await original()), ...extra];
  devices.addEventListener = events.addEventListener.bind(events);
  devices.removeEventListener = events.removeEventListener.bind(events);
  return {
    media,
    plugIn(device: Pick<MediaDeviceInfo, 'deviceId' | 'kind' | 'label'>) {
      extra = [...extra, { ...device, groupId: 'g' } as MediaDeviceInfo];
      events.dispatchEvent(new Event('devicechange'));
    },
  };
}

describe('call device pickers', () => {
  it('lists microphones and cameras now, again when one is plugged in, and not after stop', async () => {
    const { media, plugIn } = pluggableMedia();
    const { calls } = await callingVisitor(real.server, real.runtimes, media);
    const call = await calls.start('video');
    const lists: CallDevice[][] = [];
    const stop = watchDevices(call, (list) => lists.push(list), media.devices);

    await vi.waitFor(() => expect(lists.length).toBeGreaterThan(0));
    const first = lists.at(-1)!;
    expect(inputsOf(first, 'audioinput').map((d) => d.deviceId)).toEqual(['mic-1', 'mic-2']);
    expect(inputsOf(first, 'videoinput').map((d) => d.deviceId)).toEqual(['cam-1']);

    plugIn({ deviceId: 'headset', kind: 'audioinput', label: '' });
    await vi.waitFor(() => expect(inputsOf(lists.at(-1)!, 'audioinput').map((d) => d.deviceId)).toEqual(['mic-1', 'mic-2', 'headset']));
    // No label before permission: named by kind and place.
    expect(deviceName(inputsOf(lists.at(-1)!, 'audioinput')[2]!, 2, 'Microphone')).toBe('Microphone 3');

    stop();
    const seen = lists.length;
    plugIn({ deviceId: 'cam-2', kind: 'videoinput', label: 'USB camera' });
    await call.hangUp();
    expect(lists.length).toBe(seen);
  });

  it('reads the device in use from the local stream', () => {
    const track = (kind: string, deviceId: string) => ({ kind, getSettings: () => ({ deviceId }) });
    // A browser's stream, as far as the picker reads it.
    const stream = { getTracks: () => [track('audio', 'mic-2'), track('video', 'cam-1')] } as unknown as MediaStream;
    expect(deviceInUse(stream, 'audioinput')).toBe('mic-2');
    expect(deviceInUse(stream, 'videoinput')).toBe('cam-1');
    expect(deviceInUse(null, 'audioinput')).toBe('');
  });
});
