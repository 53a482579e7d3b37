import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderArticle } from '../../demo/server/routes/help-pages.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// The sources the AI cites (`/help/<id>`) open real pages on the demo site.
describe('the demo help centre', () => {
  let server: TestServer;
  beforeAll(async () => void (server = await startTestServer()));
  afterAll(() => server.close());

  it('shows a cited article with its headings and lists', async () => {
    const res = await fetch(`${server.origin}/help/shipping-times`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<h1>How long does delivery take?</h1>');
    expect(html).toContain('<h3>UK delivery times</h3>');
    expect(html).toMatch(/<li><strong>Standard delivery<\/strong> \(Royal Mail Tracked 48\): 2–4 working days after dispatch\.<\/li>/);
  });

  it('lists every article on /help and answers 404 for an unknown one', async () => {
    const index = await (await fetch(`${server.origin}/help`)).text();
    expect(index.match(/<li><a href="\/help\//g)?.length).toBeGreaterThanOrEqual(15);
    const missing = await fetch(`${server.origin}/help/no-such-article`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('No such help article');
  });

  it('escapes article text: markup in a knowledge file is shown, never run', () => {
    expect(renderArticle('# A <b>title</b>\n\nSee <script>alert(1)</script> & **more**\n\n- one "x"\n- two')).toBe(
      '<h2>A &lt;b&gt;title&lt;/b&gt;</h2>\n<p>See &lt;script&gt;alert(1)&lt;/script&gt; &amp; <strong>more</strong></p>\n<ul><li>one &quot;x&quot;</li><li>two</li></ul>',
    );
  });
});
