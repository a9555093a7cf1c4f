/** Where progress goes: a TTY gets one redrawn line, anything else a line per step. @internal */
export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

/**
 * A dependency-free progress bar for the CLI. On a terminal it redraws one line (`[#####-----] 3/6 label`);
 * piped into a file or CI log it prints one line per finished step instead, so logs stay readable.
 * @internal
 */
export class ProgressBar {
  private done = 0;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream = process.stderr,
    private readonly title = '',
  ) {}

  /** Marks one step finished, labelled (a customer id and its outcome). */
  tick(label: string): void {
    this.done = Math.min(this.total, this.done + 1);
    if (this.stream.isTTY) {
      this.stream.write(`\r${this.render(label)}\x1b[K`);
    } else {
      this.stream.write(`${this.render(label)}\n`);
    }
  }

  /** Ends the bar's line on a terminal. */
  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }

  render(label: string): string {
    const width = 24;
    const filled = this.total === 0 ? width : Math.round((this.done / this.total) * width);
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const prefix = this.title ? `${this.title} ` : '';
    const line = `${prefix}[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.done}/${this.total} ${seconds}s ${label}`;
    const columns = this.stream.columns ?? 120;
    return line.length > columns - 1 ? line.slice(0, columns - 1) : line;
  }
}
