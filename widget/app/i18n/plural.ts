/**
 * Picks the plural form of a count for a language (`Intl.PluralRules`): English has `one` and
 * `other`, Arabic `zero`, `one`, `two`, `few`, `many` and `other`. A form a table leaves out
 * falls back to `other`.
 * @example plural('ar')(3, { few: `${3} رسائل`, other: `${3} رسالة` }) // '3 رسائل'
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export function plural(lang: string): (n: number, forms: PluralForms) => string {
  let rules: Intl.PluralRules | undefined;
  return (n, forms) => forms[(rules ??= new Intl.PluralRules(lang)).select(n)] ?? forms.other;
}
