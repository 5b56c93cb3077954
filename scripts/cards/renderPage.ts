import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

// These functions run inside the page, where the DOM exists; the project's lib has no DOM types.
declare const window: any;
declare const document: any;

const RENDERER = require.resolve('adaptivecards/dist/adaptivecards.min.js');
const HOST_CONFIG = JSON.parse(fs.readFileSync(path.join(__dirname, 'teamsHostConfig.json'), 'utf8')) as { actions: Record<string, unknown> };
/**
 * Below this card width we draw as a phone does: the card's buttons stacked, one per row, titles
 * allowed to wrap. UNCONFIRMED: how Teams mobile lays out card actions is not documented; stacked
 * buttons are what it showed in Microsoft's screenshots of mobile cards. The checks run both ways
 * (320 and 360 px stacked, 500 px side by side), so a card must work in either layout.
 */
export const PHONE_WIDTH_MAX = 420;
const PHONE_HOST_CONFIG = { ...HOST_CONFIG, actions: { ...HOST_CONFIG.actions, actionsOrientation: 'vertical', actionAlignment: 'stretch', allowTitleToWrap: true } };

/**
 * Loads the official Adaptive Cards renderer (npm `adaptivecards`) into a blank page with a
 * Teams-like host config and a small markdown processor (Teams renders **bold**, links and lists in
 * TextBlocks). `renderCard` then returns how many pixels high the card drew and any renderer errors.
 */
export async function prepareCardPage(page: Page): Promise<void> {
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin: 0; background: #F0F0F0; font-family: 'Segoe UI', 'Helvetica Neue', Arial, sans-serif; }
    #frame { width: 520px; margin: 16px; box-sizing: border-box; background: #fff; border: 1px solid #E1DFDD; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.1); }
    .ac-pushButton { border: 1px solid #D1D1D1; background: #fff; border-radius: 4px; padding: 6px 12px; font-weight: 600; color: #242424; }
    .ac-pushButton.style-positive { background: #5B5FC7; color: #fff; border-color: #5B5FC7; }
    .ac-pushButton.style-destructive { color: #C4314B; }
    .ac-input { font-family: inherit; }
    .ac-textInput, .ac-multichoiceInput, .ac-numberInput { border: 1px solid #D1D1D1; border-radius: 4px; padding: 4px 6px; }
    code, pre { font-family: Consolas, monospace; }
    .ac-textBlock ul { padding-left: 18px; padding-right: 12px; margin: 0 0 4px 0; box-sizing: border-box; max-width: 100%; }
    .ac-textBlock li { white-space: normal; }
  </style></head><body><div id="frame"></div></body></html>`);
  await page.addScriptTag({ path: RENDERER });
  // tsx (esbuild keepNames) wraps functions in __name(); functions shipped to the page need it too.
  await page.evaluate('window.__name = (f) => f');
  await page.evaluate(
    ([hostConfig, phoneHostConfig]) => {
      const w = window as unknown as { AdaptiveCards: any; __hostConfig: unknown; __desktopHostConfig: unknown; __phoneHostConfig: unknown };
      w.__hostConfig = hostConfig;
      w.__desktopHostConfig = hostConfig;
      w.__phoneHostConfig = phoneHostConfig;
      const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      w.AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text: string, result: { outputHtml: string; didProcess: boolean }) => {
        const inline = (s: string) =>
          escape(s)
            .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
            .replace(/(^|[^*])\*([^*]+)\*/g, '$1<em>$2</em>')
            .replace(/\[([^\]]+)\]\((https?:[^)]+)\)/g, '<a href="$2">$1</a>');
        const blocks = text.split(/\n\n/).map((block) => {
          const lines = block.split('\n');
          if (lines.every((l) => /^- /.test(l))) return `<ul>${lines.map((l) => `<li>${inline(l.slice(2))}</li>`).join('')}</ul>`;
          return `<p style="margin:0 0 4px 0">${lines.map(inline).join('<br>')}</p>`;
        });
        result.outputHtml = blocks.join('');
        result.didProcess = true;
      };
    },
    [HOST_CONFIG, PHONE_HOST_CONFIG] as const,
  );
}

/** Sets the card's width (the frame) and the matching host config (stacked buttons on a phone). */
export async function setCardWidth(page: Page, width: number): Promise<void> {
  await page.evaluate(
    ([w, phone]) => {
      const win = window as unknown as { __hostConfig: unknown; __desktopHostConfig: unknown; __phoneHostConfig: unknown };
      document.getElementById('frame')!.style.width = `${w}px`;
      win.__hostConfig = phone ? win.__phoneHostConfig : win.__desktopHostConfig;
    },
    [width, width < PHONE_WIDTH_MAX] as const,
  );
}

export async function renderCard(page: Page, card: unknown): Promise<{ height: number; errors: string[] }> {
  return page.evaluate((json) => {
    const w = window as unknown as { AdaptiveCards: any; __hostConfig: unknown };
    const frame = document.getElementById('frame')!;
    frame.innerHTML = '';
    const adaptive = new w.AdaptiveCards.AdaptiveCard();
    adaptive.hostConfig = new w.AdaptiveCards.HostConfig(w.__hostConfig);
    const context = new w.AdaptiveCards.SerializationContext();
    adaptive.parse(json, context);
    const errors: string[] = [];
    for (let i = 0; i < context.eventCount; i += 1) errors.push(context.getEventAt(i).message);
    const element = adaptive.render();
    if (!element) return { height: 0, errors: [...errors, 'render() returned nothing'] };
    frame.appendChild(element);
    return { height: element.getBoundingClientRect().height, errors };
  }, card);
}

/** What the layout checks found in one drawing of a card (see `measureCard`). */
export interface CardLayout {
  width: number;
  height: number;
  errors: string[];
  /** Text or controls cut off: [element text, scrollWidth, clientWidth]. */
  clipped: Array<{ text: string; scrollWidth: number; clientWidth: number }>;
  /** Words broken inside a letter run (no hyphen), with the text around them. */
  brokenWords: Array<{ word: string; context: string }>;
  /** Top of the first input or button (not a "show details" toggle), from the card's top; -1 if none. */
  firstControlTop: number;
  /** Top of the last primary button (the card's own actions), from the card's top; -1 if none. */
  primaryActionTop: number;
}

/**
 * Draws a card at `width` px (the card's own width, as on a phone) and measures what a person
 * would see: its height, anything clipped (scrollWidth > clientWidth on text, choice labels and
 * buttons), words broken in the middle of a letter run (found with Range client rects: one word
 * on two lines), and where the first control and the card's buttons sit. Monospace text (hashes,
 * URIs, scripts) may break anywhere and is left out of the word check.
 */
export async function measureCard(page: Page, card: unknown, width: number): Promise<CardLayout> {
  await setCardWidth(page, width);
  const result = await renderCard(page, card);
  const measured = await page.evaluate(() => {
    const frame = document.getElementById('frame')!;
    const root = frame.firstElementChild as any;
    const top = root.getBoundingClientRect().top;
    const clipped: Array<{ text: string; scrollWidth: number; clientWidth: number }> = [];
    const brokenWords: Array<{ word: string; context: string }> = [];
    const visible = (el: any) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
    const rootRect = root.getBoundingClientRect();
    for (const el of Array.from(root.querySelectorAll('*')) as any[]) {
      if (!visible(el)) continue;
      const style = window.getComputedStyle(el);
      const text = (el.innerText ?? '').trim();
      if (text !== '' && (style.overflowX === 'hidden' || style.overflowX === 'clip' || style.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1) {
        clipped.push({ text: text.slice(0, 80), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth });
      }
      const rect = el.getBoundingClientRect();
      if (text !== '' && el.children.length === 0 && rect.width > 0 && rect.right > rootRect.right + 1) {
        clipped.push({ text: text.slice(0, 80), scrollWidth: Math.round(rect.right - rootRect.left), clientWidth: Math.round(rootRect.width) });
      }
    }
    // Words broken inside a letter run: a run of letters whose characters sit on two lines.
    const walker = document.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = (node as any).parentElement;
      if (!parent || !visible(parent)) continue;
      const family = window.getComputedStyle(parent).fontFamily.toLowerCase();
      if (family.includes('consolas') || family.includes('monospace')) continue;
      const value: string = (node as any).nodeValue ?? '';
      // Tokens between spaces; only tokens made of letters (plus closing punctuation) are words.
      const token = /\S+/g;
      for (let m = token.exec(value); m; m = token.exec(value)) {
        const raw = m[0];
        const core = raw.replace(/^[("'“„«‹⟦⟪*]+/u, '').replace(/[)"'”“»›⟧⟫.,;:!?*…]+$/u, '');
        if (core.length < 2 || !/^\p{L}+$/u.test(core)) continue;
        const start = m.index + raw.indexOf(core);
        range.setStart(node, start);
        range.setEnd(node, start + core.length);
        const tops = new Set(
          Array.from(range.getClientRects())
            .filter((r: any) => r.width > 0)
            .map((r: any) => Math.round(r.top)),
        );
        if (tops.size > 1) brokenWords.push({ word: core, context: value.slice(Math.max(0, m.index - 30), m.index + raw.length + 30) });
      }
    }
    // A "show details" toggle (Action.ToggleVisibility carries aria-controls) is not the decision.
    const controls = (Array.from(root.querySelectorAll('input, textarea, select, button, [role="button"]')) as any[]).filter(
      (el) => visible(el) && !el.hasAttribute('aria-controls'),
    );
    const firstControlTop = controls.length > 0 ? Math.min(...controls.map((el) => el.getBoundingClientRect().top - top)) : -1;
    const buttons = (Array.from(root.querySelectorAll('.ac-pushButton')) as any[]).filter((el) => visible(el) && !el.hasAttribute('aria-controls'));
    const primaryActionTop = buttons.length > 0 ? Math.max(...buttons.map((el) => el.getBoundingClientRect().top - top)) : -1;
    return { clipped, brokenWords, firstControlTop, primaryActionTop };
  });
  return { width, height: result.height, errors: result.errors, ...measured };
}
