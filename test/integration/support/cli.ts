/**
 * The `estp` CLI in the test process (its dispatcher with captured output), and as the real
 * executable in a child process when stdout and stderr must be seen separately, as a shell does.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { run } from '../../../application/src/cli/run';

/** What a CLI run printed and its exit code. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI's dispatcher in this process. */
export async function estp(...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The built executable (npm run build), as `npx estp` runs it. */
export const ESTP_MAIN = path.resolve(__dirname, '../../../application/dist/cli/main.js');

/** Runs the built `estp` executable in a child process (stdout and stderr kept apart). */
export function estpProcess(...argv: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [ESTP_MAIN, ...argv],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, out: stdout, err: stderr });
      },
    );
  });
}
