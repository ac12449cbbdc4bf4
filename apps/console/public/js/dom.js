// Tiny DOM helpers: h('tag', {attrs}, ...children). Text is always set as text (never innerHTML).

/**
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...unknown} children strings, numbers, Nodes, arrays of them, null/undefined/false (skipped)
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), /** @type {EventListener} */ (v));
    else if (k === 'class') el.className = String(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'value' && 'value' in el) /** @type {HTMLInputElement} */ (el).value = String(v);
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'required' || k === 'open') /** @type {any} */ (el)[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** Append children (nested arrays allowed); null/undefined/false/'' are skipped, never shown as text. */
export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false || c === '') continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Chinese first, English second and smaller. */
export function bi(zh, en) {
  const f = document.createDocumentFragment();
  f.append(document.createTextNode(zh));
  if (en) f.append(h('span', { class: 'en', lang: 'en' }, en));
  return f;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let seq = 0;
export function uid(prefix = 'f') {
  seq += 1;
  return `${prefix}-${seq}`;
}
