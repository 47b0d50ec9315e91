// Native file I/O takes disk time, not just event-loop turns: without it a 1 MB copy
// would last however long the worker loop needed (a millisecond or two), a speed that
// depends on the test machine. Each copy or read is paced at `bandwidth` bytes per
// model second, sleeping once at least 1 ms of wall time is owed (timer granularity).
import { nextTurn, type ModelClock } from '../clock';

export class DiskPacer {
  private owedWallMs = 0;

  constructor(
    private readonly clock: ModelClock,
    private readonly bandwidth: number,
  ) {}

  async pace(bytes: number): Promise<void> {
    this.owedWallMs += (bytes / this.bandwidth) * 1000 * this.clock.timeScale;
    if (this.owedWallMs < 1) return nextTurn();
    const modelMs = this.owedWallMs / this.clock.timeScale;
    this.owedWallMs = 0;
    await this.clock.sleep(modelMs);
  }
}
