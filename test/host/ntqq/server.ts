// The QQ media server as hosts share it. Its memory lives in the native thread, so
// hosts given the same MediaServer share one native thread (one machine, several QQ
// processes) and 秒传 knowledge; the thread stops when the last host detaches.
import { NativeWorld } from './native-world';

export class MediaServer {
  private world: NativeWorld | undefined;
  private users = 0;

  /** For createHost: the native thread, started on first use. */
  attach(timeScale: number): NativeWorld {
    if (this.world && this.world.timeScale !== timeScale) {
      throw new Error(`hosts sharing a MediaServer need one timeScale (${this.world.timeScale} vs ${timeScale})`);
    }
    this.world ??= new NativeWorld(timeScale);
    this.users++;
    return this.world;
  }

  async detach(): Promise<void> {
    this.users--;
    if (this.users > 0 || !this.world) return;
    const world = this.world;
    this.world = undefined;
    await world.terminate();
  }

  /** md5s whose upload completed (empty when no host is attached). */
  async list(): Promise<string[]> {
    return this.world ? await this.world.request('', 'serverList', {}) : [];
  }
}
