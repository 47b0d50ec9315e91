// The uplink every upload of one QQ account shares. Chunks queue FIFO on one pipe of
// `bandwidth` bytes per model second, so N concurrent uploads each go N times slower.
import type { ModelClock } from '../clock';

export class SharedLink {
  private busyUntil = 0;

  constructor(
    private readonly clock: ModelClock,
    /** Bytes per model second. */
    readonly bandwidth: number,
  ) {}

  /** Occupies the link for `bytes`, resolving when they have been sent. */
  async transmit(bytes: number): Promise<void> {
    const now = this.clock.now();
    const start = Math.max(now, this.busyUntil);
    this.busyUntil = start + (bytes / this.bandwidth) * 1000;
    await this.clock.sleep(this.busyUntil - now);
  }
}
