/** Where the CLI writes: stdout for results, stderr for diagnostics. Injected so tests capture it. */
export interface Output {
  /** A line of result output (stdout). */
  out(text: string): void;
  /** A line of diagnostics (stderr). */
  err(text: string): void;
}

/** The process's stdout and stderr. */
export const processOutput: Output = {
  out: (text) => {
    process.stdout.write(`${text}\n`);
  },
  err: (text) => {
    process.stderr.write(`${text}\n`);
  },
};
