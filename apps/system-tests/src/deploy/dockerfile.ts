import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One build stage of deploy/Dockerfile, as far as the tests need it. */
export interface Stage {
  name: string;
  from: string;
  /** COPY instructions: from the build context, or `--from=<stage>`. */
  copies: Array<{ from?: string; sources: string[]; dest: string }>;
  entrypoint?: string[];
  user?: string;
  env: Record<string, string>;
}

export const DOCKERFILE = join(__dirname, '../../../../deploy/Dockerfile');

/** The Dockerfile's stages (continuation lines joined, comments dropped; exec-form JSON arrays only). */
export function stages(text = readFileSync(DOCKERFILE, 'utf8')): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const out: Stage[] = [];
  for (const line of lines) {
    const [op, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      const parent = out.find((s) => s.name === m[1]);
      out.push({ name: m[2] ?? m[1], from: m[1], copies: [], env: { ...(parent?.env ?? {}) }, user: parent?.user, entrypoint: parent?.entrypoint });
      continue;
    }
    const stage = out[out.length - 1];
    if (!stage) continue;
    if (op === 'COPY') {
      const words = rest.filter((w) => !w.startsWith('--chown'));
      const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
      stage.copies.push({ from, sources: words.slice(0, -1), dest: words[words.length - 1] });
    } else if (op === 'ENTRYPOINT') stage.entrypoint = JSON.parse(args) as string[];
    else if (op === 'USER') stage.user = args;
    else if (op === 'ENV') for (const m of args.matchAll(/(\w+)=(\S+)/g)) stage.env[m[1]] = m[2];
  }
  return out;
}

/** Every COPY a target image gets, its own and its parents' (from the context or another stage). */
export function imageCopies(all: Stage[], target: string): Stage['copies'] {
  const stage = all.find((s) => s.name === target);
  if (!stage) return [];
  return [...imageCopies(all, stage.from), ...stage.copies];
}
