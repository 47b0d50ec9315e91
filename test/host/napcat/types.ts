// The slice of NapCat/NTQQ shapes the model passes around (named as in NapCat so a
// plugin's duck-typing sees what it would see there).
export const ElementType = { TEXT: 1, PIC: 2, FILE: 3, PTT: 4, VIDEO: 5, FACE: 6, REPLY: 7, ARK: 10, MFACE: 11, MARKDOWN: 14, MULTIFORWARD: 16, SHARELOCATION: 28 } as const;
/** KCHATTYPEC2C, KCHATTYPEGROUP, KCHATTYPETEMPC2CFROMGROUP (a private chat with a non-friend, through a group). */
export const ChatType = { FRIEND: 1, GROUP: 2, TEMP_FROM_GROUP: 100 } as const;
/** picType values from getFileTypeForSendType (core/helper/msg.ts). */
export const PicType = { NEWPIC_JPEG: 1000, NEWPIC_GIF: 2000 } as const;

export interface Peer {
  chatType: number;
  peerUid: string;
  guildId?: string;
}

export interface PicElement {
  md5HexStr: string;
  fileSize: string;
  picWidth: number;
  picHeight: number;
  fileName: string;
  sourcePath: string;
  original: boolean;
  picType: number;
  picSubType: number;
  fileUuid: string;
  fileSubId: string;
  thumbFileSize: number;
  summary: string;
}

export interface FileElement {
  fileName: string;
  folderId: string;
  filePath: string;
  fileSize: string;
  fileUuid?: string;
}

export interface PttElement {
  fileName: string;
  filePath: string;
  md5HexStr: string;
  fileSize: string;
  duration: number;
  formatType: number;
  voiceType: number;
  voiceChangeType: number;
  canConvert2Text: boolean;
  waveAmplitudes: number[];
  fileSubId: string;
  playState: number;
  autoConvertText: number;
}

export interface VideoElement {
  fileName: string;
  filePath: string;
  videoMd5: string;
  thumbMd5: string;
  fileTime: number;
  thumbPath: Map<number, string>;
  thumbSize: number;
  thumbWidth: number;
  thumbHeight: number;
  fileSize: string;
  fileFormat?: number;
  fileWidth?: number;
  fileHeight?: number;
}

export interface SendMessageElement {
  elementType: number;
  elementId: string;
  textElement?: { content: string; atType: number; atUid: string; atTinyId: string; atNtUid: string };
  faceElement?: { faceIndex: number; faceType: number; faceText?: string };
  marketFaceElement?: Record<string, unknown>;
  markdownElement?: { content: unknown };
  shareLocationElement?: { text: string; ext: string };
  replyElement?: { replayMsgId: string; replayMsgSeq: string; sourceMsgIdInRecords: string };
  picElement?: PicElement;
  fileElement?: FileElement;
  pttElement?: PttElement;
  videoElement?: VideoElement;
  arkElement?: { bytesData: string; linkInfo: null; subElementType: null };
  multiForwardMsgElement?: { xmlContent: string; resId: string; fileName: string };
}

export interface RawMessage {
  msgId: string;
  msgSeq: string;
  msgTime: string;
  chatType: number;
  peerUid: string;
  guildId: string;
  sendStatus: number;
  elements: SendMessageElement[];
  /** Set by sendMsgWithOb11UniqueId: the OneBot message_id. */
  id?: number;
}

export interface OB11Segment {
  type: string;
  data: Record<string, unknown>;
}

export interface SendMessageContext {
  deleteAfterSentFiles: string[];
  peer: Peer;
  usePacketVideoMetadata?: boolean;
}

export interface GeneralCallResult {
  result: number;
  errMsg: string;
}
