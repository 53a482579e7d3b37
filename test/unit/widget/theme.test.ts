import { describe, expect, it } from 'vitest';
import { DARK_BG } from '../../../widget/app/styles.css.ts';
import { contrast, DARK_TEXT, inkOn, onColor, themeCss } from '../../../widget/app/theme.ts';

// Tenant colours from across the range: dark, mid, light, saturated, short form.
const colours = ['#3b4a5a', '#000000', '#ffffff', '#ffd400', '#00c2ff', '#e91e63', '#1a73e8', '#7fff00', '#777', '#f80'];

describe('theme colours', () => {
  it('computes the WCAG contrast ratio', () => {
    expect(contrast('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrast('#fff', '#fff')).toBe(1);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('writes white on a dark tenant colour and black on a light one', () => {
    expect(onColor('#3b4a5a')).toBe('#fff');
    expect(onColor('#1a73e8')).toBe('#fff');
    expect(onColor('#ffd400')).toBe(DARK_TEXT);
    expect(onColor('#00c2ff')).toBe(DARK_TEXT);
  });

  it.each(colours)('text on %s reads at 4.5:1 or better', (accent) => {
    expect(contrast(onColor(accent), accent)).toBeGreaterThanOrEqual(4.5);
  });

  it.each(colours)('%s used as text reads at 4.5:1 on the light and the dark panel', (accent) => {
    expect(contrast(inkOn(accent, '#fff'), '#fff')).toBeGreaterThanOrEqual(4.5);
    expect(contrast(inkOn(accent, DARK_BG), DARK_BG)).toBeGreaterThanOrEqual(4.5);
  });

  it('keeps a tenant colour that already reads as it is', () => {
    expect(inkOn('#3b4a5a', '#fff')).toBe('#3b4a5a');
  });

  it('follows the tenant setting, else the visitor’s system', () => {
    expect(themeCss('#ffd400', 'light')).not.toContain('color-scheme:dark');
    expect(themeCss('#ffd400', 'dark')).toMatch(/^[^@]*color-scheme:dark/);
    for (const visitors of [undefined, 'auto', 'purple']) expect(themeCss('#ffd400', visitors)).toContain('@media (prefers-color-scheme:dark){.rn{color-scheme:dark');
    expect(themeCss('#ffd400')).toContain(`--rn-on:${DARK_TEXT}`);
  });
});
