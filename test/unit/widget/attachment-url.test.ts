import { describe, expect, it } from 'vitest';
import { attachmentUrl } from '../../../widget/format.ts';

// Which file links a chat message may turn into an <img src>, a player or a download link.
describe('attachment links', () => {
  const base = 'https://chat.example.com/api';
  const signed = 'https://chat.example.com/api/attachments/att_1?exp=1700000000&sig=abc';

  it("accepts the API's own signed file link", () => {
    expect(attachmentUrl(signed, base)).toBe(signed);
    expect(attachmentUrl(signed, `${base}/`)).toBe(signed);
    expect(attachmentUrl('http://127.0.0.1:4000/api/attachments/a', 'http://127.0.0.1:4000/api')).toBe('http://127.0.0.1:4000/api/attachments/a');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a script', 'javascript:alert(document.cookie)'],
    ['a data URL', 'data:text/html,<script>alert(1)</script>'],
    ['a tracking pixel elsewhere', 'https://tracker.example.net/pixel.gif?u=1'],
    ['a fake invoice on a look-alike host', 'https://chat.example.com.evil.net/api/attachments/invoice.pdf'],
    ['credentials hiding the real host', 'https://chat.example.com@evil.net/api/attachments/x'],
    ['another port', 'https://chat.example.com:8443/api/attachments/x'],
    ['plain http for an https API', 'http://chat.example.com/api/attachments/x'],
    ['another path of the API', 'https://chat.example.com/api/chat/visitor/me'],
    ['a path outside the API', 'https://chat.example.com/attachments/x'],
    ['dot segments out of the folder', 'https://chat.example.com/api/attachments/../chat/visitor/me'],
    ['encoded dot segments', 'https://chat.example.com/api/attachments/%2e%2e/%2e%2e/evil'],
    ['the folder itself', 'https://chat.example.com/api/attachments/'],
    ['a relative link', '/api/attachments/x'],
    ['a protocol-relative link', '//evil.net/api/attachments/x'],
    ['not a URL', 'not a url'],
  ])('refuses %s', (_, url) => {
    expect(attachmentUrl(url, base)).toBeNull();
  });

  it('refuses everything when the API base itself is not a URL', () => {
    expect(attachmentUrl(signed, '/api')).toBeNull();
  });
});
