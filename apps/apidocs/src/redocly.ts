import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '../../..');

export interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer?: string }>;
}

/**
 * `redocly lint` (the CLI, the repository's redocly.yaml and .redocly.lint-ignore.yaml) of a
 * document file: every problem it reports, ignored ones left out.
 */
export async function redoclyLint(file: string): Promise<LintProblem[]> {
  const cli = require.resolve('@redocly/cli/bin/cli.js');
  const run = promisify(execFile);
  const args = [cli, 'lint', file, '--format=json', '--config', join(ROOT, 'redocly.yaml')];
  const out = await run(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch(
    (err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }),
  );
  const json = out.stdout.slice(out.stdout.indexOf('{'));
  const report = JSON.parse(json) as { problems: Array<LintProblem & { ignored?: boolean }> };
  return report.problems.filter((p) => !p.ignored);
}

/** One line per problem, for a failing assertion that says what to fix. */
export const describeProblems = (problems: LintProblem[]): string[] =>
  problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);
