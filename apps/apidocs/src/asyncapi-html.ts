import type { JsonSchema } from './ts-schema';

/**
 * A plain, readable HTML page of the AsyncAPI document (the gateway serves it at /docs/asyncapi):
 * channels, what we do on them, and every message's fields. No script and no inline style (the
 * page works under `script-src 'self'` and a strict style policy); the style sheet is
 * asyncapi.css next to it.
 */
export function renderAsyncApiHtml(doc: Record<string, unknown>): string {
  const info = doc.info as { title: string; version: string; description: string };
  const channels = doc.channels as Record<string, { address: string; title: string; description: string; messages: Record<string, { $ref: string }> }>;
  const operations = Object.values(doc.operations as Record<string, { action: string; channel: { $ref: string } }>);
  const messages = (doc.components as { messages: Record<string, { name: string; title: string; summary?: string; payload: JsonSchema; examples?: Array<{ payload: unknown }> }> }).messages;
  const servers = doc.servers as Record<string, { host: string; protocol: string; description: string }>;
  const actions = (id: string) =>
    operations
      .filter((o) => o.channel.$ref === `#/channels/${id}`)
      .map((o) => (o.action === 'send' ? '我们发布 / we publish' : '我们消费 / we consume'))
      .join('；');
  const body = [
    `<header><h1>${esc(info.title)}</h1><p class="meta">AsyncAPI 3.0 · v${esc(info.version)} · <a href="/docs/asyncapi.yaml">asyncapi.yaml</a> · <a href="/docs/asyncapi.json">asyncapi.json</a> · <a href="/docs">HTTP API (OpenAPI)</a></p>`,
    `<pre class="intro">${esc(info.description)}</pre></header>`,
    '<nav><h2>主题 / Topics</h2><ul>',
    ...Object.entries(channels).map(([id, c]) => `<li><a href="#${esc(id)}"><code>${esc(c.address)}</code></a> ${esc(c.title)}</li>`),
    '</ul></nav>',
    '<section><h2>经纪人 / Brokers</h2><ul>',
    ...Object.entries(servers).map(([name, s]) => `<li><strong>${esc(name)}</strong> <code>${esc(s.host)}</code> (${esc(s.protocol)}): ${esc(s.description)}</li>`),
    '</ul></section>',
    ...Object.entries(channels).map(([id, c]) =>
      [
        `<section class="channel" id="${esc(id)}"><h2><code>${esc(c.address)}</code></h2>`,
        `<p class="title">${esc(c.title)} — <span class="action">${esc(actions(id))}</span></p><p>${esc(c.description)}</p>`,
        ...Object.values(c.messages).map((ref) => {
          const key = ref.$ref.replace('#/components/messages/', '');
          const m = messages[key];
          const examples = (m.examples ?? []).map((e) => `<pre class="example">${esc(JSON.stringify(e.payload, null, 2))}</pre>`).join('');
          return `<article class="message"><h3>${esc(m.name)}</h3><p>${esc(m.title)}${m.summary ? ` — ${esc(m.summary)}` : ''}</p>${fields(m.payload)}${examples ? `<h4>示例 / Examples</h4>${examples}` : ''}</article>`;
        }),
        '</section>',
      ].join('\n'),
    ),
  ];
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(info.title)}</title><link rel="stylesheet" href="/docs/asyncapi.css"></head>
<body>
${body.join('\n')}
</body>
</html>
`;
}

/** The payload's fields as a table, nested objects indented. */
function fields(schema: JsonSchema): string {
  const rows: string[] = [];
  const walk = (s: JsonSchema, prefix: string) => {
    const props = (s.properties as Record<string, JsonSchema> | undefined) ?? {};
    const required = new Set((s.required as string[] | undefined) ?? []);
    for (const [name, p] of Object.entries(props)) {
      const path = prefix ? `${prefix}.${name}` : name;
      const items = p.items as JsonSchema | undefined;
      rows.push(`<tr><td><code>${esc(path)}</code></td><td>${esc(typeOf(p))}</td><td>${required.has(name) ? '必填 / required' : ''}</td><td>${esc(String(p.description ?? ''))}</td></tr>`);
      if (p.properties) walk(p, path);
      else if (items?.properties) walk(items, `${path}[]`);
    }
  };
  walk(schema, '');
  return `<table><thead><tr><th>字段 / Field</th><th>类型 / Type</th><th></th><th>说明 / Description</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return (s.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  const type = Array.isArray(s.type) ? (s.type as string[]).join(' | ') : String(s.type ?? (s.oneOf ? 'one of' : 'any'));
  const items = s.items as JsonSchema | undefined;
  const suffix = [s.format, s.pattern, s.maxLength ? `≤ ${String(s.maxLength)}` : undefined].filter(Boolean).join(', ');
  return `${type === 'array' && items ? `${typeOf(items)}[]` : type}${suffix ? ` (${String(suffix)})` : ''}`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const ASYNCAPI_CSS = `body{font:15px/1.6 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:1100px;margin:0 auto;padding:1rem 1.5rem;color:#1f2328}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem;margin-top:2rem}h3{font-size:1.05rem;margin-bottom:.25rem}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}pre{background:#f6f8fa;padding:.75rem;overflow:auto;white-space:pre-wrap}
.meta,.title{color:#57606a}.action{color:#0969da}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
.message{margin:1rem 0 1.5rem;padding-left:.75rem;border-left:3px solid #d0d7de}
`;
