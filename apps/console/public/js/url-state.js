// List filters live in the hash's query (#/whistles?status=DISPATCHED&level=RED), so that "back"
// from a detail page, a reload or a shared link shows the same list.

/** The current hash's query. */
export function hashQuery() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}

/** Replace the hash's query (empty values dropped) without a new history entry or a re-render. */
export function setHashQuery(values) {
  const path = location.hash.replace(/\?.*$/, '') || '#/';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) q.set(k, String(v));
  const next = q.toString() ? `${path}?${q}` : path;
  if (next !== location.hash) history.replaceState(history.state, '', next);
}

/** Selects restored from the hash's query and written back to it on every change. */
export function keepInHash(selects, onChange) {
  const q = hashQuery();
  for (const [name, el] of Object.entries(selects)) {
    const v = q.get(name);
    if (v && [...el.options].some((o) => o.value === v)) el.value = v;
  }
  const save = () => setHashQuery(Object.fromEntries(Object.entries(selects).map(([name, el]) => [name, el.value])));
  for (const el of Object.values(selects)) {
    el.addEventListener('change', () => {
      save();
      onChange();
    });
  }
}
