/**
 * Rarely used parts of the panel (lightbox, forms, past conversations, the message menu, file
 * messages, the "ended" block) live in chunks loaded on first use, so the always-needed path
 * stays within its size budget. Until the chunk is there (it comes from the same origin as the
 * app, quickly) it renders `fallback`, a plain stand-in so nothing jumps, or nothing.
 */
import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazy<P extends object>(load: () => Promise<ComponentType<P>>, fallback?: (props: P) => ComponentChildren): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  return function Lazy(props: P) {
    const [Component, setComponent] = useState(() => loaded);
    useEffect(() => {
      if (Component) return;
      let live = true;
      // A failed chunk load is forgotten, so the next render tries again.
      loading ??= load().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      loading.then(
        (c) => {
          loaded = c;
          if (live) setComponent(() => c);
        },
        () => undefined,
      );
      return () => void (live = false);
    }, []);
    return Component ? <Component {...props} /> : (fallback?.(props) ?? null);
  };
}
