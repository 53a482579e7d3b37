import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { formatDateTime, formatTime } from '../../../widget/format.ts';
import { en } from '../../../widget/app/i18n/en.ts';
import { enCall } from '../../../widget/app/i18n/en-call.ts';
import { enViews } from '../../../widget/app/i18n/en-views.ts';
import { dirOf, LANGS, loadText, pickLang } from '../../../widget/app/i18n/locale.ts';

const english = { ...en, ...enViews, call: enCall };

describe('the language the widget speaks', () => {
  it('takes the site owner’s choice, else the tenant’s, else the browser’s, else English', () => {
    expect(pickLang(['ar', 'es', 'id'])).toBe('ar');
    expect(pickLang([undefined, 'es', 'id'])).toBe('es');
    expect(pickLang([undefined, undefined, 'id-ID', 'en-US'])).toBe('id');
    expect(pickLang([undefined, undefined])).toBe('en');
  });

  it('matches regional tags on their language and skips languages it has no words for', () => {
    expect(pickLang(['es-MX'])).toBe('es');
    expect(pickLang(['pt-BR', 'ES_ar'])).toBe('es');
    expect(pickLang(['fr', 'de'])).toBe('en');
    expect(pickLang(['in'])).toBe('id');
  });

  it('lays out Arabic right to left and the others left to right', () => {
    expect(LANGS.map(dirOf)).toEqual(['ltr', 'ltr', 'ltr', 'rtl']);
  });
});

describe('message tables', () => {
  for (const lang of ['id', 'es', 'ar'] as const) {
    it(`has every word in ${lang}, translated`, async () => {
      const text = await loadText(lang);
      expect(Object.keys(text).sort()).toEqual(Object.keys(english).sort());
      expect(Object.keys(text.call).sort()).toEqual(Object.keys(enCall).sort());
      expect(Object.keys(text.errors).sort()).toEqual(Object.keys(enViews.errors).sort());
      for (const [key, value] of [...Object.entries(text), ...Object.entries(text.call)]) {
        const eng = english[key as keyof typeof english] ?? enCall[key as keyof typeof enCall];
        expect(typeof value, key).toBe(typeof eng);
        if (typeof value === 'function') expect((value as (...a: unknown[]) => string)(3, 'Ana')).toMatch(/\S/);
      }
      // Not English left in by mistake (a few words are the same in both languages).
      expect(text.writeMessage).not.toBe(en.writeMessage);
      expect(text.howWasIt).not.toBe(enViews.howWasIt);
      expect(text.call.hangUp).not.toBe(enCall.hangUp);
      expect(text.errors.CONVERSATION_CLOSED).not.toBe(enViews.errors.CONVERSATION_CLOSED);
    });
  }

  it('uses the plural forms of each language for counts', async () => {
    const ar = await loadText('ar');
    expect(en.openChatUnread(1)).toBe('Open chat, 1 unread message');
    expect(en.openChatUnread(2)).toBe('Open chat, 2 unread messages');
    expect(ar.openChatUnread(2)).toBe('افتح الدردشة، رسالتان غير مقروءتين');
    expect(ar.openChatUnread(3)).toBe('افتح الدردشة، 3 رسائل غير مقروءة');
    expect(ar.openChatUnread(11)).toBe('افتح الدردشة، 11 رسالة غير مقروءة');
    expect((await loadText('es')).newMessages(1)).toBe('(1) Mensaje nuevo');
    // Minutes too: 1 دقيقة واحدة, 2 دقيقتين, 3–10 دقائق, 11 and up دقيقة.
    expect(ar.awayReply(1)).toContain('دقيقة واحدة');
    expect(ar.awayReply(2)).toContain('دقيقتين');
    expect(ar.offlineReply(5)).toContain('5 دقائق');
    expect(ar.offlineReply(15)).toContain('15 دقيقة');
  });
});

describe('dates and times', () => {
  const at = '2025-01-31T14:05:00Z';
  it('formats times and dates in the widget’s language', () => {
    expect(formatDateTime(at, 'es')).toMatch(/ene/);
    expect(formatDateTime(at, 'en')).toMatch(/Jan/);
    expect(formatTime(at, 'ar')).not.toBe(formatTime(at, 'en'));
  });

  it('shows nothing for a missing or unreadable timestamp', () => {
    expect(formatTime(undefined, 'en')).toBe('');
    expect(formatTime('not a date', 'en')).toBe('');
  });
});

// Words a visitor sees or hears, written straight into a component instead of the tables.
const SPOKEN_ATTRIBUTES = new Set(['aria-label', 'placeholder', 'title', 'alt', 'aria-description', 'aria-roledescription', 'label']);
const WORD = /\p{L}/u;

/** A literal that ends up as the value shown (not one compared with, like `state === 'failed'`). */
function shown(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isJsxExpression(parent) || ts.isParenthesizedExpression(parent) || ts.isTemplateSpan(parent) || ts.isTemplateExpression(parent)) return true;
  if (ts.isConditionalExpression(parent)) return node !== parent.condition;
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return node === parent.right && (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken);
  }
  return false;
}

function hardCoded(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const literal = (node: ts.Node): node is ts.LiteralLikeNode =>
    ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node);
  const visit = (node: ts.Node, spoken: boolean) => {
    if (ts.isJsxText(node) && WORD.test(node.text)) found.push(node.text.trim());
    if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(source);
      spoken = SPOKEN_ATTRIBUTES.has(name);
      if (spoken && node.initializer && ts.isStringLiteral(node.initializer) && WORD.test(node.initializer.text)) found.push(`${name}="${node.initializer.text}"`);
      if (!spoken) return;
    }
    // A literal inside `{…}` among an element's children, or in a spoken attribute.
    if (ts.isJsxExpression(node) && !ts.isJsxAttribute(node.parent)) spoken = true;
    if (spoken && literal(node) && !ts.isJsxAttribute(node.parent) && shown(node) && WORD.test(node.text)) found.push(node.text);
    // Functions and components written inside an expression are looked at on their own.
    if (ts.isArrowFunction(node) && !ts.isJsxExpression(node.parent)) spoken = false;
    ts.forEachChild(node, (child) => visit(child, spoken));
  };
  visit(source, false);
  return found;
}

describe('components', () => {
  const dirs = ['widget/app/components', 'widget/app/ai', 'widget/app/call', 'widget/app/commands'];
  // Its words are in the tables (`consentTitle`…); the file takes them once the command engineer's
  // change lands (it needs the locale from mount.tsx). Remove from this list then.
  const files = dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.tsx')).map((f) => join(dir, f)));

  it('take every word a visitor sees or hears from the message tables', () => {
    expect(files.length).toBeGreaterThan(25);
    const found = Object.fromEntries(files.map((f) => [f, hardCoded(f)]).filter(([, words]) => words!.length > 0));
    expect(found).toEqual({});
  });

  it('the check finds a hard-coded word', () => {
    const sample = join(process.cwd(), 'test/unit/widget/i18n-sample.fixture.tsx');
    expect(hardCoded(sample)).toEqual(['Hello there', 'aria-label="Close"', 'Sending…', 'Read ', 'label="Your camera"']);
  });
});
