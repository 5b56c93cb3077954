import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

// These functions run inside the page, where the DOM exists; the project's lib has no DOM types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const RENDERER = require.resolve('adaptivecards/dist/adaptivecards.min.js');
const HOST_CONFIG = JSON.parse(fs.readFileSync(path.join(__dirname, 'teamsHostConfig.json'), 'utf8')) as unknown;

/**
 * Loads the official Adaptive Cards renderer (npm `adaptivecards`) into a blank page with a
 * Teams-like host config and a small markdown processor (Teams renders **bold**, links and lists in
 * TextBlocks). `renderCard` then returns how many pixels high the card drew and any renderer errors.
 */
export async function prepareCardPage(page: Page): Promise<void> {
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin: 0; background: #F0F0F0; font-family: 'Segoe UI', 'Helvetica Neue', Arial, sans-serif; }
    #frame { width: 520px; margin: 16px; background: #fff; border: 1px solid #E1DFDD; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.1); }
    .ac-pushButton { border: 1px solid #D1D1D1; background: #fff; border-radius: 4px; padding: 6px 12px; font-weight: 600; color: #242424; }
    .ac-pushButton.style-positive { background: #5B5FC7; color: #fff; border-color: #5B5FC7; }
    .ac-pushButton.style-destructive { color: #C4314B; }
    .ac-input { font-family: inherit; }
    .ac-textInput, .ac-multichoiceInput, .ac-numberInput { border: 1px solid #D1D1D1; border-radius: 4px; padding: 4px 6px; }
    code, pre { font-family: Consolas, monospace; }
    .ac-textBlock ul { padding-left: 18px; padding-right: 12px; margin: 0 0 4px 0; box-sizing: border-box; max-width: 100%; }
    .ac-textBlock li, .ac-textBlock p { white-space: normal; overflow-wrap: anywhere; }
  </style></head><body><div id="frame"></div></body></html>`);
  await page.addScriptTag({ path: RENDERER });
  // tsx (esbuild keepNames) wraps functions in __name(); functions shipped to the page need it too.
  await page.evaluate('window.__name = (f) => f');
  await page.evaluate((hostConfig) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the renderer's browser global has no types in the page
    const w = window as unknown as { AdaptiveCards: any; __hostConfig: unknown };
    w.__hostConfig = hostConfig;
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
  }, HOST_CONFIG);
}

export async function renderCard(page: Page, card: unknown): Promise<{ height: number; errors: string[] }> {
  return page.evaluate((json) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the renderer's browser global has no types in the page
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
