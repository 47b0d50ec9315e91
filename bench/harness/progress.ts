// A progress bar on stderr. On a TTY it redraws one line (at most every 80 ms);
// otherwise it prints a plain line every tenth of the way, or every 15 s of a
// slow stretch, so CI logs stay short but never look stuck.
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private lastStep = -1;
  private lastLine = 0;
  private note = '';
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: ProgressStream = process.stderr,
  ) {}

  // `note` says what is running now (e.g. the scenario).
  tick(count = 1, note?: string): void {
    if (note !== undefined) this.note = note;
    this.done = Math.min(this.total, this.done + count);
    this.draw(false);
  }

  finish(): void {
    this.done = this.total;
    this.draw(true);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private draw(force: boolean): void {
    const now = Date.now();
    const fraction = this.total === 0 ? 1 : this.done / this.total;
    const seconds = ((now - this.started) / 1000).toFixed(1);
    if (this.stream.isTTY) {
      if (!force && now - this.lastDraw < 80 && this.done < this.total) return;
      this.lastDraw = now;
      const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - 60));
      const filled = Math.round(fraction * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.stream.write(`\r\x1b[K${this.label} ${bar} ${this.done}/${this.total} ${seconds}s ${this.note}`.trimEnd());
      return;
    }
    const step = Math.floor(fraction * 10);
    if (step === this.lastStep && now - this.lastLine < 15_000) return;
    this.lastStep = step;
    this.lastLine = now;
    this.stream.write(`${this.label} ${this.done}/${this.total} (${Math.round(fraction * 100)}%) ${seconds}s ${this.note}`.trimEnd() + '\n');
  }
}
