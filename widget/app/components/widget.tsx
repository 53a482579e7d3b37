/** The whole widget as the visitor sees it: the launcher, and the panel while it is open. */
import { useRef } from 'preact/hooks';
import type { WidgetModel } from '../model.ts';
import { Launcher } from './launcher.tsx';
import { Panel } from './panel.tsx';

export function Widget({ model }: { model: WidgetModel }) {
  const launcher = useRef<HTMLButtonElement>(null);
  const close = () => {
    model.open.value = false;
  };
  return (
    <>
      {model.open.value && <Panel model={model} onClose={close} returnFocus={() => launcher.current?.focus()} />}
      <Launcher model={model} buttonRef={launcher} onToggle={() => (model.open.value = !model.open.value)} />
    </>
  );
}
