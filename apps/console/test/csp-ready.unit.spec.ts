import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The edge serves the console under a strict CSP (script-src 'self', no inline styles): every page
// loads module files from its own origin and nothing else.
const ROOT = join(__dirname, '../public');
const pages = readdirSync(ROOT).filter((f) => f.endsWith('.html'));

describe('console pages are ready for a strict Content-Security-Policy', () => {
  it.each(pages)('%s: no inline script or style, no on*= handlers, no javascript: URLs, no external resources', (page) => {
    const html = readFileSync(join(ROOT, page), 'utf8');
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(m[1]).toMatch(/\bsrc="\/js\/[^"]+\.js"/);
      expect(m[2].trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });

  it('the public page and the feedback page exist', () => {
    expect(pages).toEqual(expect.arrayContaining(['index.html', 'feedback.html', 'public.html']));
  });
});
