// The QQ NT kernel of one account, as native code NapCat calls: the message service
// (media paths, send with in-call upload, forward) and the util object (copy, size).
// NapCat reaches the service as core.context.session.getMsgService() (§9 item 1).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelClock } from '../clock';
import type { Random } from '../random';
import { ElementType, type GeneralCallResult, type Peer, type RawMessage, type SendMessageElement } from '../napcat/types';
import { mediaRefs } from './media-refs';
import type { NativeClient } from './native-client';
import type { NativeCopyResult } from './native-copy';

export const RICH_MEDIA_FAILED = 'rich media transfer failed';

const MEDIA_DIRS: Record<number, string> = {
  [ElementType.PIC]: 'Pic',
  [ElementType.FILE]: 'File',
  [ElementType.PTT]: 'Ptt',
  [ElementType.VIDEO]: 'Video',
};

export interface RichMediaPathRequest {
  md5HexStr: string;
  fileName: string;
  elementType: number;
  elementSubType: number;
  thumbSize: number;
  needCreate: boolean;
  downloadType: number;
  file_uuid: string;
}

export type MsgListener = (records: RawMessage[]) => void;

export interface KernelDeps {
  native: NativeClient;
  clock: ModelClock;
  random: Random;
  latencyMs: number;
  ntRoot: string;
  uin: string;
  log: (line: string) => void;
}

function month(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

export class KernelMsgService {
  private readonly listeners = new Set<MsgListener>();
  private readonly sent = new Map<string, RawMessage>();
  private seq = 0;

  constructor(private readonly deps: KernelDeps) {}

  /** `<ntRoot>/nt_qq_<uin>/nt_data/<Pic|File|Ptt|Video>/<yyyy-mm>/Ori/<md5><ext of fileName>`. */
  getRichMediaFilePathForGuild(req: RichMediaPathRequest): string {
    const kind = MEDIA_DIRS[req.elementType] ?? 'Pic';
    const dir = path.join(this.deps.ntRoot, `nt_qq_${this.deps.uin}`, 'nt_data', kind, month(), 'Ori');
    if (req.needCreate) fs.mkdirSync(dir, { recursive: true });
    return path.join(dir, req.md5HexStr + path.extname(req.fileName));
  }

  addKernelMsgListener(listener: MsgListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Native send: uploads every media file of the message first, then delivers it. */
  async sendMsg(msgId: string, peer: Peer, elements: SendMessageElement[]): Promise<GeneralCallResult> {
    for (const element of elements) {
      for (const ref of mediaRefs(element)) {
        const outcome = await this.deps.native.upload(ref);
        if (!outcome.ok) {
          this.deps.log(`[kernel] upload ${ref.path} failed: ${outcome.reason} (${outcome.detail})`);
          return { result: -1, errMsg: RICH_MEDIA_FAILED };
        }
      }
    }
    await this.deps.clock.sleep(this.deps.latencyMs * (0.5 + this.deps.random()));
    this.deliver(msgId, peer, elements);
    return { result: 0, errMsg: '' };
  }

  /** Merges messages this account sent into one forward message to `dstPeer`. */
  async multiForwardMsg(msgIds: string[], srcPeer: Peer, dstPeer: Peer, msgId: string): Promise<GeneralCallResult> {
    const missing = msgIds.filter((id) => !this.sent.has(id));
    if (missing.length > 0 || srcPeer.peerUid === '') return { result: -1, errMsg: 'msg not found' };
    await this.deps.clock.sleep(this.deps.latencyMs * (0.5 + this.deps.random()));
    const resId = crypto.randomBytes(16).toString('base64url');
    this.deliver(msgId, dstPeer, [
      {
        elementType: ElementType.MULTIFORWARD,
        elementId: '',
        multiForwardMsgElement: { xmlContent: '', resId, fileName: crypto.randomUUID() },
      },
    ]);
    return { result: 0, errMsg: '' };
  }

  private deliver(msgId: string, peer: Peer, elements: SendMessageElement[]): void {
    for (const element of elements) {
      if (element.fileElement) element.fileElement.fileUuid = crypto.randomUUID();
    }
    const record: RawMessage = {
      msgId,
      msgSeq: String(++this.seq),
      msgTime: String(Math.floor(Date.now() / 1000)),
      chatType: peer.chatType,
      peerUid: peer.peerUid,
      guildId: msgId,
      sendStatus: 2,
      elements,
    };
    this.sent.set(msgId, record);
    // The listener fires after the native call has returned, as NTQQ's does.
    setImmediate(() => {
      for (const listener of [...this.listeners]) listener([record]);
    });
  }
}

export class KernelSession {
  constructor(private readonly msgService: KernelMsgService) {}

  getMsgService(): KernelMsgService {
    return this.msgService;
  }
}

/** NodeQQNTWrapperUtil: the native helpers NapCat's FileApi wraps. */
export class KernelUtil {
  constructor(private readonly deps: KernelDeps) {}

  copyFile(src: string, dst: string): Promise<NativeCopyResult> {
    return this.deps.native.copy(src, dst);
  }

  async getFileSize(filePath: string): Promise<number> {
    return (await fs.promises.stat(filePath)).size;
  }
}

export interface Kernel {
  session: KernelSession;
  msgService: KernelMsgService;
  util: KernelUtil;
  native: NativeClient;
}

export function createKernel(deps: KernelDeps): Kernel {
  const msgService = new KernelMsgService(deps);
  return {
    session: new KernelSession(msgService),
    msgService,
    util: new KernelUtil(deps),
    native: deps.native,
  };
}
