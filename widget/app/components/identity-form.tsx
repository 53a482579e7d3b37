/**
 * Asking who the visitor is (a lazily loaded chunk): the pre-chat form (name and email, before
 * the first message, when the tenant turns it on; required or skippable) and, while nobody is
 * online, a one-field "leave your email" so the team can follow up. Both go to
 * `runtime.identify()`, which agents see as unverified.
 */
import { useRef, useState } from 'preact/hooks';
import { PRIMARY_CSS, useChunkStyles } from '../chunk-styles.ts';
import { useViewText } from '../i18n/view-text.ts';
import type { WidgetModel } from '../model.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface IdentityFormProps {
  model: WidgetModel;
  /** `required`/`optional`: the pre-chat form; `offline`: the email line shown while nobody is online. */
  mode: 'required' | 'optional' | 'offline';
}

export function IdentityForm({ model, mode }: IdentityFormProps) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<{ name?: string; email?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const root = useRef<HTMLFormElement>(null);
  useChunkStyles(root, PRIMARY_CSS);
  useChunkStyles(root, CSS);
  const offline = mode === 'offline';
  const required = mode === 'required';
  const { v } = useViewText();

  const submit = async (event: Event) => {
    event.preventDefault();
    const n = name.trim();
    const e = email.trim();
    const found: typeof errors = {};
    if (!offline && required && !n) found.name = v.enterName;
    if ((required || offline) && !e) found.email = v.enterEmail;
    else if (e && !EMAIL.test(e)) found.email = v.validEmail;
    setErrors(found);
    if (found.name || found.email) return;
    setBusy(true);
    try {
      if (n || e) await model.runtime.identify({ ...(n && { name: n }), ...(e && { email: e }) });
      model.introduced.value = true;
    } catch (failure) {
      setErrors({ form: (failure as { message?: string }).message ?? v.tryAgain });
      setBusy(false);
    }
  };

  const field = (key: 'name' | 'email', label: string, value: string, set: (v: string) => void) => (
    <label class="field">
      <span>
        {label}
        {!required && !offline && <span class="meta"> {v.optional}</span>}
      </span>
      <input
        class="input"
        type={key === 'email' ? 'email' : 'text'}
        autocomplete={key}
        value={value}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={errors[key] ? `rn-${key}-error` : undefined}
        data-testid={`prechat-${key}`}
        onInput={(ev) => set(ev.currentTarget.value)}
      />
      {errors[key] && (
        <span class="field-error" id={`rn-${key}-error`}>
          {errors[key]}
        </span>
      )}
    </label>
  );

  return (
    <form ref={root} class={offline ? 'offline-form' : 'prechat'} noValidate onSubmit={submit} data-testid={offline ? 'offline-form' : 'prechat'}>
      <p class="prechat-intro">
        {offline ? v.offlineIntro : v.prechatIntro}
      </p>
      {!offline && field('name', v.name, name, setName)}
      {field('email', v.email, email, setEmail)}
      {errors.form && (
        <p class="upload-error" role="alert">
          {errors.form}
        </p>
      )}
      <span class="form-actions">
        {!required && !offline && (
          <button type="button" class="link" onClick={() => (model.introduced.value = true)}>
            {v.skip}
          </button>
        )}
        <button type="submit" class="primary" disabled={busy} data-testid="prechat-submit">
          {offline ? v.saveEmail : v.startChat}
        </button>
      </span>
    </form>
  );
}

/** This chunk's styles (adopted when it first renders). */
const CSS = `
.prechat,.offline-form{display:flex;flex-direction:column;gap:10px;padding:14px;border-top:1px solid var(--rn-line)}
.form-actions{display:flex;gap:12px;justify-content:flex-end;align-items:center}
.prechat-intro{margin:0;color:var(--rn-muted);font-size:14px}
.field{display:flex;flex-direction:column;gap:4px;font-size:13px;font-weight:600}
.field .input{font-weight:400}
.field-error{color:var(--rn-err);font-weight:400}
.input[aria-invalid]{border-color:var(--rn-err)}
`;
