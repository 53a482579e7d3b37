import { describe, expect, it } from 'vitest';
import type { ComponentChildren, VNode } from 'preact';
import { formatMessage } from '../../../widget/format.ts';

// What the visitor's browser would get: the VDOM serialised the way Preact renders it
// (text escaped), so a test reads like the HTML that ends up in the panel.
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function html(children: ComponentChildren): string {
  if (children === null || children === undefined || typeof children === 'boolean') return '';
  if (Array.isArray(children)) return children.map(html).join('');
  if (typeof children === 'string' || typeof children === 'number') return escape(String(children));
  const vnode = children as VNode<Record<string, unknown>>;
  const { children: inner, ...props } = vnode.props;
  const attrs = Object.entries(props)
    .map(([k, v]) => ` ${k}="${escape(String(v))}"`)
    .join('');
  const tag = String(vnode.type);
  return tag === 'br' ? '<br>' : `<${tag}${attrs}>${html(inner as ComponentChildren)}</${tag}>`;
}

const render = (body: string) => html(formatMessage(body));
const a = (href: string, text = href) => `<a href="${href}" target="_blank" rel="noopener noreferrer">${text}</a>`;

describe('message formatting', () => {
  it('keeps plain text as it is', () => {
    expect(render('Hello there')).toBe('Hello there');
    expect(render('')).toBe('');
  });

  it('keeps HTML as visible text, never as markup', () => {
    expect(render('<img src=x onerror=alert(1)> & <b>hi</b>')).toBe(
      '&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;hi&lt;/b&gt;',
    );
    // No element other than text comes out of HTML-looking input.
    expect(formatMessage('<script>alert(1)</script>').every((c) => typeof c === 'string')).toBe(true);
  });

  it('turns line breaks into <br>', () => {
    expect(render('one\ntwo\r\nthree')).toBe('one<br>two<br>three');
    expect(render('a\n\nb')).toBe('a<br><br>b');
  });

  it('makes **bold** and `code`', () => {
    expect(render('this is **important** ok')).toBe('this is <strong>important</strong> ok');
    expect(render('run `npm test` now')).toBe('run <code>npm test</code> now');
  });

  it('does not format inside code', () => {
    expect(render('`**not bold** https://x.test`')).toBe('<code>**not bold** https://x.test</code>');
  });

  it('leaves unmatched markers alone', () => {
    expect(render('2 ** 3 and a ` tick')).toBe('2 ** 3 and a ` tick');
  });

  it('links bare http, https and mailto addresses, opening in a new tab without opener', () => {
    expect(render('see https://acme.test/faq?x=1')).toBe(`see ${a('https://acme.test/faq?x=1')}`);
    expect(render('http://acme.test')).toBe(a('http://acme.test/', 'http://acme.test'));
    expect(render('mail mailto:help@acme.test')).toBe(`mail ${a('mailto:help@acme.test')}`);
  });

  it('keeps sentence punctuation after a link out of it', () => {
    expect(render('Go to https://acme.test/a. Then')).toBe(`Go to ${a('https://acme.test/a')}. Then`);
    expect(render('(https://acme.test/b)')).toBe(`(${a('https://acme.test/b')})`);
  });

  it('links [label](url) with a safe scheme', () => {
    expect(render('read [our FAQ](https://acme.test/faq)')).toBe(`read ${a('https://acme.test/faq', 'our FAQ')}`);
  });

  it('refuses javascript: and data: links, showing them as text', () => {
    expect(render('[click](javascript:alert(1))')).not.toContain('<a');
    expect(render('[click](javascript:alert)')).toBe('[click](javascript:alert)');
    expect(render('[img](data:text/html;base64,PHNjcmlwdD4=)')).toBe('[img](data:text/html;base64,PHNjcmlwdD4=)');
    expect(render('javascript:alert(1) data:text/html,hi')).toBe('javascript:alert(1) data:text/html,hi');
    expect(render('[x](JaVaScRiPt:alert)')).not.toContain('<a');
  });

  it('escapes quotes in a link so it cannot break out of the attribute', () => {
    const out = formatMessage('https://acme.test/a"onmouseover="x');
    const anchor = out.find((c): c is VNode<{ href: string }> => typeof c === 'object' && c !== null && 'type' in c);
    expect(anchor?.props.href).toBe('https://acme.test/a');
  });

  it('formats links inside bold', () => {
    expect(render('**https://acme.test**')).toBe(`<strong>${a('https://acme.test/', 'https://acme.test')}</strong>`);
  });
});
