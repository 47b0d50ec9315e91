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

/** What `prepareTempChat` was asked to open: the non-friend and the group the chat goes through. */
export interface TempChatRequest {
  peerUid: string;
  fromGroupCode: string;
}

/** The md5 and name of a media element's file (a file element carries no md5: nothing to name it by). */
function downloadable(element: SendMessageElement): { md5: string; fileName: string } | undefined {
  const { picElement: pic, pttElement: ptt, videoElement: video } = element;
  if (pic) return { md5: pic.md5HexStr, fileName: pic.fileName };
  if (ptt) return { md5: ptt.md5HexStr, fileName: ptt.fileName };
  if (video) return { md5: video.videoMd5, fileName: video.fileName };
  return undefined;
}

export class KernelMsgService {
  private readonly listeners = new Set<MsgListener>();
  private readonly sent = new Map<string, RawMessage>();
  private seq = 0;
  private elementSeq = 0;
  private injectedFailures = 0;
  /** Every prepareTempChat call, in order (for tests). */
  readonly tempChats: TempChatRequest[] = [];

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

  /**
   * Makes the next `count` sends that carry media fail as a transient server-side transfer
   * failure does (result -1 `rich media transfer failed`, nothing delivered): a test's way to
   * get one deterministic failed attempt.
   */
  injectTransferFailures(count: number): void {
    this.injectedFailures += count;
  }

  prepareTempChat(request: TempChatRequest): Promise<GeneralCallResult> {
    this.tempChats.push({ peerUid: request.peerUid, fromGroupCode: request.fromGroupCode });
    return Promise.resolve({ result: 0, errMsg: '' });
  }

  /** Native send: uploads every media file of the message first, then delivers it. */
  async sendMsg(msgId: string, peer: Peer, elements: SendMessageElement[]): Promise<GeneralCallResult> {
    if (this.injectedFailures > 0 && elements.some((element) => mediaRefs(element).length > 0)) {
      this.injectedFailures--;
      await this.deps.clock.sleep(this.deps.latencyMs * (0.5 + this.deps.random()));
      return { result: -1, errMsg: RICH_MEDIA_FAILED };
    }
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

  /**
   * downloadRichMedia, answered by onRichMediaDownloadComplete: the media of element
   * `elementId` of a message this account sent, downloaded from the server onto its md5-named
   * media path (downloader.ts). The path is reported whether the download succeeded or not
   * (*assumed*: NapCat's listener filter accepts any completion for the element).
   */
  async downloadRichMedia(msgId: string, elementId: string): Promise<{ filePath: string }> {
    const element = this.sent.get(msgId)?.elements.find((e) => e.elementId === elementId);
    const media = element && downloadable(element);
    if (!element || !media) return { filePath: '' };
    const filePath = this.getRichMediaFilePathForGuild({
      md5HexStr: media.md5,
      fileName: media.fileName,
      elementType: element.elementType,
      elementSubType: 0,
      thumbSize: 0,
      needCreate: true,
      downloadType: 1,
      file_uuid: '',
    });
    const done = await this.deps.native.download(media.md5, filePath);
    if (done.result !== 0) this.deps.log(`[kernel] download ${filePath} failed: ${done.errMsg}`);
    return { filePath };
  }

  private deliver(msgId: string, peer: Peer, sentElements: SendMessageElement[]): void {
    // The record is NTQQ's own copy of the elements, each with an id of its own (downloadRichMedia
    // names one by it): what NapCat later does to a record never reaches the objects it sent.
    const elements = sentElements.map((e) => ({ ...structuredClone(e), elementId: e.elementId || String(++this.elementSeq) }));
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

export interface GroupMemberInfo {
  uid: string;
  uin: string;
  nick: string;
}

/** A group's member list: every uid the tests ask about is a member (*assumed*). */
export class GroupMembers {
  constructor(readonly groupCode: string) {}

  get(uid: string): GroupMemberInfo {
    return { uid, uin: uid.replace(/^u_/, ''), nick: `nick_${uid}` };
  }
}

/**
 * The group service, as far as NapCat's temp-chat branch needs it. Group codes are 32-bit
 * (at most 10 digits); any other code names no group and the member list call fails, as
 * it fails for a group the account is not in.
 */
export class KernelGroupService {
  async getAllMemberList(groupCode: string, _forced: boolean): Promise<{ result: { infos: GroupMembers } }> {
    if (!/^[1-9][0-9]{0,9}$/.test(groupCode) || Number(groupCode) > 0xffffffff) {
      throw new Error(`getAllMemberList failed: no group ${groupCode}`);
    }
    return { result: { infos: new GroupMembers(groupCode) } };
  }
}

export class KernelSession {
  private readonly groupService = new KernelGroupService();

  constructor(private readonly msgService: KernelMsgService) {}

  getMsgService(): KernelMsgService {
    return this.msgService;
  }

  getGroupService(): KernelGroupService {
    return this.groupService;
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
