// Shared by the chart tests: SVG output checked as XML without a parser dependency.
import { expect } from 'vitest';

/**
 * Fails unless `xml` is one well-formed element tree: every tag closed in order, attribute values
 * quoted, no stray `<` or `&` in text.
 */
export function expectWellFormedXml(xml: string): void {
  const token = /<!--[\s\S]*?-->|<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>/g;
  const stack: string[] = [];
  let last = 0;
  let roots = 0;
  const checkText = (text: string) => {
    expect(text).not.toMatch(/</);
    expect(text).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/);
  };
  for (const m of xml.matchAll(token)) {
    checkText(xml.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0].startsWith('<!--')) continue;
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      expect(stack.pop()).toBe(name);
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) {
      roots++;
    }
  }
  checkText(xml.slice(last));
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}
