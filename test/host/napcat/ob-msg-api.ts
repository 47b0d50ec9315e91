// OneBotMsgApi (onebot/api/msg.ts, §1.1): converters run concurrently with one shared
// deleteAfterSentFiles; the send hands that same array to the deletion queue in
// `finally`, success or not, with delay = the send timeout. Methods live on the
// prototype; the converter table is an instance field of arrow functions called
// unbound (§9 item 2), so a plugin's wrap-and-restore behaves as on NapCat.
import fs from 'node:fs';
import type { NapCatCore } from './core';
import { createUniqueMsgId } from './message-id';
import type { NapCatOneBot11Adapter } from './onebot';
import { runtimeOf } from './runtime';
import { calculateTimeout, capTimeout, legacyTimeout } from './timeout';
import { ElementType, type OB11Segment, type Peer, type RawMessage, type SendMessageContext, type SendMessageElement } from './types';
import { uriToLocalFile } from './uri';

export type Converter = (segment: OB11Segment, context: SendMessageContext) => Promise<SendMessageElement | undefined>;

export interface FileLikeResult {
  path: string;
  fileName: string;
  isLocal?: boolean;
}

export interface SendElementsResult {
  sendElements: SendMessageElement[];
  deleteAfterSentFiles: string[];
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** `[url, file, path].find(uri => uri && uri.trim())`: a blank field is skipped; a non-string one throws on `.trim`, as in NapCat. */
function pickUri(data: OB11Segment['data']): string | undefined {
  const found = [data.url, data.file, data.path].find((uri) => uri && (uri as string).trim());
  return found as string | undefined;
}

function elementBytes(element: SendMessageElement): number {
  const size = element.picElement?.fileSize ?? element.pttElement?.fileSize ?? element.fileElement?.fileSize ?? element.videoElement?.fileSize;
  return Number(size ?? 0) || 0;
}

export class OneBotMsgApi {
  readonly ob11ToRawConverters: Record<string, Converter> = {
    text: async ({ data }) => ({
      elementType: ElementType.TEXT,
      elementId: '',
      textElement: { content: str(data.text), atType: 0, atUid: '', atTinyId: '', atNtUid: '' },
    }),
    at: async ({ data }) => ({
      elementType: ElementType.TEXT,
      elementId: '',
      textElement: { content: `@${str(data.qq)}`, atType: data.qq === 'all' ? 1 : 2, atUid: str(data.qq), atTinyId: '', atNtUid: `u_${str(data.qq)}` },
    }),
    face: async ({ data }) => ({ elementType: ElementType.FACE, elementId: '', faceElement: { faceIndex: Number(data.id) || 0, faceType: 1 } }),
    reply: async ({ data }) => ({
      elementType: ElementType.REPLY,
      elementId: '',
      replyElement: { replayMsgId: str(data.id), replayMsgSeq: '', sourceMsgIdInRecords: str(data.id) },
    }),
    image: async (segment, context) => {
      const result = await this.handleOb11FileLikeMessage(segment, context);
      // summary and sub_type are passed as the client sent them (the builder's defaults fill in undefined).
      return await this.obContext.apis.FileApi.createValidSendPicElement(
        context,
        result.path,
        segment.data.summary as string | undefined,
        segment.data.sub_type as number | undefined,
        result.isLocal,
      );
    },
    file: async (segment, context) => {
      const { path, fileName, isLocal } = await this.handleOb11FileLikeMessage(segment, context);
      return await this.obContext.apis.FileApi.createValidSendFileElement(context, path, fileName, '', false, isLocal);
    },
    video: async (segment, context) => {
      const { path, fileName, isLocal } = await this.handleOb11FileLikeMessage(segment, context);
      let thumb = '';
      if (segment.data.thumb) {
        const rt = runtimeOf(this.core);
        const result = await uriToLocalFile(rt, this.core.NapCatTempPath, str(segment.data.thumb));
        if (result.success) {
          thumb = result.path;
          if (!result.isLocal) context.deleteAfterSentFiles.push(result.path);
        }
      }
      return await this.obContext.apis.FileApi.createValidSendVideoElement(context, path, fileName, thumb, isLocal);
    },
    record: async (segment, context) =>
      await this.obContext.apis.FileApi.createValidSendPttElement(context, (await this.handleOb11FileLikeMessage(segment, context)).path),
    // The rest of v4.18.5's converter table (msg.ts ob11ToRawConverters): none of them touches
    // media files. Those that need QQ or a signing server here give nothing, as they do when
    // those fail; the send then has one element fewer (or none: 消息体无法解析).
    mface: async ({ data }) => ({
      elementType: ElementType.MFACE,
      elementId: '',
      marketFaceElement: { emojiPackageId: data.emoji_package_id, emojiId: data.emoji_id, key: data.key, faceName: str(data.summary) || '[商城表情]' },
    }),
    json: async ({ data }) => this.ark(typeof data.data === 'string' ? data.data : JSON.stringify(data.data)),
    dice: async () => ({ elementType: ElementType.FACE, elementId: '', faceElement: { faceIndex: 358, faceType: 3, faceText: '[骰子]' } }),
    rps: async () => ({ elementType: ElementType.FACE, elementId: '', faceElement: { faceIndex: 359, faceType: 3, faceText: '[包剪锤]' } }),
    markdown: async ({ data }) => ({ elementType: ElementType.MARKDOWN, elementId: '', markdownElement: { content: data.content } }),
    music: async () => undefined, // needs the music signing server (logged and undefined when it fails)
    node: async () => undefined,
    forward: async ({ data }) => this.ark(JSON.stringify({ app: 'com.tencent.multimsg', meta: { detail: { resid: str(data.id) } } })),
    xml: async () => undefined,
    poke: async () => undefined,
    location: async () => ({ elementType: ElementType.SHARELOCATION, elementId: '', shareLocationElement: { text: '测试', ext: '' } }),
    miniapp: async () => undefined,
    contact: async ({ data }) => (data.type === undefined || data.type === 'qq' || data.type === 'group' ? this.ark(JSON.stringify({ app: 'com.tencent.contact.lua', id: str(data.id) })) : undefined),
    onlinefile: async () => undefined,
    flashtransfer: async () => undefined,
  };

  /** MessageUnique: the OneBot message_id of every message sent through here, for `id` forward nodes. */
  readonly #sentById = new Map<number, RawMessage>();

  constructor(
    readonly obContext: NapCatOneBot11Adapter,
    readonly core: NapCatCore,
  ) {}

  /** A message this account sent, by its OneBot message_id (or NT msgId), as MessageUnique finds it. */
  messageById(id: string): RawMessage | undefined {
    const byShort = this.#sentById.get(Number(id));
    if (byShort) return byShort;
    for (const message of this.#sentById.values()) if (message.msgId === id) return message;
    return undefined;
  }

  /** Records a sent message under the OneBot message_id made for it. */
  remember(peer: Peer, message: RawMessage): number {
    const id = createUniqueMsgId(peer, message.msgId);
    this.#sentById.set(id, message);
    return id;
  }

  private ark(bytesData: string): SendMessageElement {
    return { elementType: ElementType.ARK, elementId: '', arkElement: { bytesData, linkInfo: null, subElementType: null } };
  }

  async createSendElements(
    messageData: OB11Segment[],
    peer: Peer,
    ignoreTypes: string[] = [],
    options: { usePacketVideoMetadata?: boolean } = {},
  ): Promise<SendElementsResult> {
    const deleteAfterSentFiles: string[] = [];
    const pending: Array<Promise<SendMessageElement | undefined>> = [];
    for (const segment of messageData) {
      if (ignoreTypes.includes(segment.type)) continue;
      const converter = this.ob11ToRawConverters[segment.type];
      if (!converter) throw new Error(`未知的消息类型：${segment.type}`);
      pending.push(converter(segment, { peer, deleteAfterSentFiles, usePacketVideoMetadata: options.usePacketVideoMetadata }));
    }
    const sendElements = (await Promise.all(pending)).filter((e): e is SendMessageElement => !!e);
    return { sendElements, deleteAfterSentFiles };
  }

  async sendMsgWithOb11UniqueId(peer: Peer, sendElements: SendMessageElement[], deleteAfterSentFiles: string[], timeoutOverride?: number): Promise<RawMessage & { id: number }> {
    if (sendElements.length === 0) throw new Error('消息体无法解析, 请检查是否发送了不支持的消息类型');
    const cfg = this.obContext.configLoader.configData.timeout;
    const timeout =
      timeoutOverride && timeoutOverride > 0
        ? capTimeout(cfg, timeoutOverride)
        : calculateTimeout(cfg, sendElements.reduce((n, e) => n + elementBytes(e), 0), cfg.uploadSpeedKBps);
    return await this.sendAndQueue(peer, sendElements, deleteAfterSentFiles, timeout);
  }

  async handleOb11FileLikeMessage(segment: OB11Segment, context: SendMessageContext): Promise<FileLikeResult> {
    const { data } = segment;
    const uri = pickUri(data);
    if (!uri) throw new Error('文件消息缺少参数');
    const proxy = this.obContext.configLoader.configData.imageDownloadProxy || undefined;
    const result = await uriToLocalFile(runtimeOf(this.core), this.core.NapCatTempPath, uri, undefined, proxy);
    if (!result.success) throw new Error(`文件处理失败: ${result.errMsg}`);
    if (!result.isLocal) context.deleteAfterSentFiles.push(result.path);
    return { path: result.path, fileName: data.name !== undefined ? str(data.name) : result.fileName, isLocal: result.isLocal };
  }

  /** The shared tail: core send, message_id, and the deletion queue in `finally`. */
  protected async sendAndQueue(peer: Peer, sendElements: SendMessageElement[], deleteAfterSentFiles: string[], timeout: number): Promise<RawMessage & { id: number }> {
    try {
      const returnMsg = await this.core.apis.MsgApi.sendMsg(peer, sendElements, timeout);
      if (!returnMsg) throw new Error('发送消息失败');
      returnMsg.id = this.remember(peer, returnMsg);
      return returnMsg as RawMessage & { id: number };
    } finally {
      runtimeOf(this.core).cleanQueue.addFiles(deleteAfterSentFiles, timeout);
    }
  }
}

/** ≤ v4.17.48: no isLocal, 3-parameter send, timeout from stat-ing the element files (#764). */
export class LegacyOneBotMsgApi extends OneBotMsgApi {
  override async handleOb11FileLikeMessage(segment: OB11Segment, context: SendMessageContext): Promise<FileLikeResult> {
    const { data } = segment;
    const uri = pickUri(data);
    if (!uri) throw new Error('文件消息缺少参数');
    const proxy = this.obContext.configLoader.configData.imageDownloadProxy || undefined;
    const result = await uriToLocalFile(runtimeOf(this.core), this.core.NapCatTempPath, uri, undefined, proxy);
    if (!result.success) throw new Error(`文件处理失败: ${result.errMsg}`);
    context.deleteAfterSentFiles.push(result.path);
    return { path: result.path, fileName: data.name !== undefined ? str(data.name) : result.fileName };
  }

  override async sendMsgWithOb11UniqueId(peer: Peer, sendElements: SendMessageElement[], deleteAfterSentFiles: string[]): Promise<RawMessage & { id: number }> {
    if (sendElements.length === 0) throw new Error('消息体无法解析, 请检查是否发送了不支持的消息类型');
    const rt = runtimeOf(this.core);
    let bytes = 0;
    for (const e of sendElements) {
      const file = e.picElement?.sourcePath ?? e.pttElement?.filePath ?? e.fileElement?.filePath ?? e.videoElement?.filePath;
      if (!file) continue;
      try {
        bytes += fs.statSync(file).size;
      } catch (err) {
        rt.log('warn', '发送消息计算预计时间异常', err);
      }
    }
    return await this.sendAndQueue(peer, sendElements, deleteAfterSentFiles, legacyTimeout(bytes));
  }
}
