// A component with hard-coded words, for the check in `i18n.test.ts` (not part of the widget).
export const Sample = ({ busy, n }: { busy: boolean; n: number }) => (
  <div class="x" data-testid="sample">
    Hello there
    <button type="button" aria-label="Close">
      ✕
    </button>
    {busy ? 'Sending…' : null}
    {`Read ${n}`}
    <option value="cam" label="Your camera" />
  </div>
);
