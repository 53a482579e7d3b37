import type { ComponentChildren, VNode } from 'preact';
import { describe, expect, it } from 'vitest';
import { Attachment as ConsoleAttachment } from '../../../demo/console/components/attachment.tsx';
import type { ChatAttachment } from '../../../src/types.ts';
import { Attachment } from '../../../widget/app/components/attachment.tsx';
import type { WidgetModel } from '../../../widget/app/model.ts';

// The markup a file message becomes (components called directly, no DOM needed): which URLs end
// up as `src`/`href`, and what a removed or untrusted file shows instead.
function html(children: ComponentChildren): string {
  if (children === null || children === undefined || typeof children === 'boolean') return '';
  if (Array.isArray(children)) return children.map(html).join('');
  if (typeof children === 'string' || typeof children === 'number') return String(children);
  const vnode = children as VNode<Record<string, unknown>>;
  if (typeof vnode.type === 'function') return html((vnode.type as (p: unknown) => ComponentChildren)(vnode.props));
  const { children: inner, ...props } = vnode.props;
  const attrs = Object.entries(props)
    .filter(([k, v]) => v !== undefined && !k.startsWith('on'))
    .map(([k, v]) => ` ${k}="${String(v)}"`)
    .join('');
  return vnode.type === null ? html(inner as ComponentChildren) : `<${String(vnode.type)}${attrs}>${html(inner as ComponentChildren)}</${String(vnode.type)}>`;
}

const apiBase = 'https://chat.example.com/api';
const model = { apiBase, lightbox: { value: null } } as unknown as WidgetModel;
const signed = 'https://chat.example.com/api/attachments/att_1?exp=1&sig=s';
const file = (over: Partial<ChatAttachment>): ChatAttachment => ({
  attachmentId: 'att_1',
  kind: 'document',
  name: 'invoice.pdf',
  contentType: 'application/pdf',
  size: 2048,
  url: signed,
  expiresAt: '2030-01-01T00:00:00.000Z',
  ...over,
});
const sides = {
  widget: (f: ChatAttachment) => html(<Attachment file={f} model={model} />),
  console: (f: ChatAttachment) => html(<ConsoleAttachment file={{ ...f, url: f.url ?? '' }} apiBase={apiBase} />),
};

describe.each(Object.entries(sides))('a file message in the %s', (_, show) => {
  it('links the server’s own file and shows images and players from it', () => {
    expect(show(file({}))).toContain(`href="${signed}"`);
    expect(show(file({ kind: 'image', name: 'a.png' }))).toMatch(/<img[^>]* src="https:\/\/chat\.example\.com\/api\/attachments\/att_1/);
    expect(show(file({ kind: 'audio', name: 'a.mp3' }))).toMatch(/<audio[^>]+src="https:\/\/chat\.example\.com\/api\/attachments\//);
  });

  it.each([
    ['a script', 'javascript:alert(1)'],
    ['a tracking pixel', 'https://tracker.example.net/p.gif'],
    ['a fake invoice elsewhere', 'https://evil.example.net/api/attachments/invoice.pdf'],
  ])('shows %s as a card without any link', (_, url) => {
    for (const kind of ['image', 'video', 'document'] as const) {
      const out = show(file({ kind, url }));
      expect(out).toContain('File unavailable');
      expect(out).toContain('invoice.pdf');
      expect(out).not.toMatch(/src=|href=/);
    }
  });

  it('shows a removed file as “File removed”, not an empty thumbnail or player', () => {
    for (const kind of ['image', 'audio', 'video', 'document'] as const) {
      const out = show(file({ kind, removed: true, url: undefined }));
      expect(out).toContain('File removed');
      expect(out).not.toMatch(/<img|<audio|<video|src=|href=/);
    }
  });
});
