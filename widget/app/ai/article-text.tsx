/**
 * A help article's Markdown drawn as text nodes (extensions.md §14: never as HTML): headings,
 * list items, table rows and `**bold**`; everything else is a paragraph. No link, image or
 * markup in an article becomes live.
 */
import type { ComponentChildren } from 'preact';

/** `**bold**` spans as <strong>, the rest as text. */
function inline(text: string): ComponentChildren[] {
  return text.split(/\*\*(.+?)\*\*/g).map((part, i) => (i % 2 ? <strong key={i}>{part}</strong> : part));
}

/** One block per run of lines: a heading, a list, a table, or a paragraph. */
export function ArticleText({ markdown }: { markdown: string }) {
  const blocks: ComponentChildren[] = [];
  let list: string[] = [];
  const endList = () => {
    if (list.length > 0) blocks.push(<ul key={blocks.length}>{list.map((item, i) => <li key={i}>{inline(item)}</li>)}</ul>);
    list = [];
  };
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    const item = /^(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      list.push(item[1]!);
      continue;
    }
    endList();
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!line || /^\|?[\s:|-]+\|?$/.test(line)) continue;
    if (heading) blocks.push(<h4 key={blocks.length}>{inline(heading[1]!)}</h4>);
    // A table row: its cells, separated.
    else if (line.startsWith('|')) blocks.push(<p key={blocks.length} class="cells">{inline(line.replace(/^\||\|$/g, '').split('|').map((c) => c.trim()).join(' · '))}</p>);
    else blocks.push(<p key={blocks.length}>{inline(line)}</p>);
  }
  endList();
  return <>{blocks}</>;
}
