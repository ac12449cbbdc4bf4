/**
 * A tiny XML writer for Open311 GeoReport v2 answers. Objects become elements, arrays become one
 * child element per item (named by `ITEM_NAMES` after the array's element, e.g. services → service),
 * null/undefined become empty elements, booleans and numbers their JSON text. Text is escaped for
 * element content and characters XML 1.0 forbids are dropped.
 */
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [key: string]: XmlValue };

/** The element name of one item of an array, by the array's element name (Open311's shapes). */
const ITEM_NAMES: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
};

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
const INVALID_CHARS = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text
    .replace(INVALID_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: XmlValue, indent: string): string {
  if (!NAME.test(name) || /^xml/i.test(name)) throw new Error(`not an XML element name: ${JSON.stringify(name)}`);
  if (value === null || value === undefined) return `${indent}<${name}/>`;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name] ?? 'item';
    if (value.length === 0) return `${indent}<${name}/>`;
    return `${indent}<${name}>\n${value.map((v) => element(item, v, `${indent}  `)).join('\n')}\n${indent}</${name}>`;
  }
  if (typeof value === 'object') {
    const children = Object.entries(value).map(([k, v]) => element(k, v, `${indent}  `));
    if (children.length === 0) return `${indent}<${name}/>`;
    return `${indent}<${name}>\n${children.join('\n')}\n${indent}</${name}>`;
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A whole document: the declaration, then `root` holding `value`. */
export function toXml(root: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value, '')}\n`;
}
