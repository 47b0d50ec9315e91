// One account's handle on the native thread: what NapCat's objects call into.
import type { NativeCopyResult } from './native-copy';
import type { AccountSetup, NodeFsCall } from './native-protocol';
import type { NativeWorld } from './native-world';
import type { MediaRef, UploadOutcome } from './uploader';

export class NativeClient {
  constructor(
    private readonly world: NativeWorld,
    readonly account: string,
  ) {}

  async attach(setup: AccountSetup): Promise<void> {
    await this.world.request(this.account, 'attach', setup);
  }

  async detach(): Promise<void> {
    await this.world.request(this.account, 'detach', {});
  }

  copy(src: string, dst: string): Promise<NativeCopyResult> {
    return this.world.request(this.account, 'copy', { src, dst });
  }

  upload(ref: MediaRef): Promise<UploadOutcome> {
    return this.world.request(this.account, 'upload', { ref });
  }

  /** The kernel's download of a media file the server has, onto `dst` (result, never thrown). */
  download(md5: string, dst: string): Promise<NativeCopyResult> {
    return this.world.request(this.account, 'download', { md5, dst });
  }

  async highway(ref: Required<MediaRef>): Promise<void> {
    await this.world.request(this.account, 'highway', { ref });
  }

  /** existsSync under the mode's sharing rules (a delete-pending name does not exist). */
  exists(path: string): Promise<boolean> {
    return this.world.request(this.account, 'exists', { path });
  }

  /** unlinkSync under the mode's sharing rules; rejects with the errno `code`. */
  async unlink(path: string): Promise<void> {
    await this.world.request(this.account, 'unlink', { path });
  }

  /** One of Node's own file calls, run on the native thread under its sharing rules (`flags`: copyFile's mode). */
  async nodeFs(call: NodeFsCall, paths: string[], flags = 0): Promise<void> {
    await this.world.request(this.account, 'nodeFs', { call, paths, flags });
  }

  /** The same, for Node's *Sync calls: blocks until the native thread has answered. */
  nodeFsSync(call: NodeFsCall, paths: string[], flags = 0): void {
    this.world.requestSync(this.account, 'nodeFs', { call, paths, flags });
  }
}
