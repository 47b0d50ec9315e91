// upload_group_file / upload_private_file (§1.3): they resolve the URI themselves
// (no handleOb11FileLikeMessage, no proxy), copy into the media dir when upload_file
// (default true), and queue the temp file when it is not local.
import fs from 'node:fs';
import { runtimeOf } from '../napcat/runtime';
import { ChatType, type Peer, type SendMessageContext } from '../napcat/types';
import { uriToLocalFile } from '../napcat/uri';
import { OneBotAction, type Payload } from './action';

export class UploadFile extends OneBotAction<{ file_id: string }> {
  constructor(
    readonly actionName: 'upload_group_file' | 'upload_private_file',
    ...rest: ConstructorParameters<typeof OneBotAction>
  ) {
    super(...rest);
  }

  private peerOf(payload: Payload): Peer {
    if (this.actionName === 'upload_group_file') return { chatType: ChatType.GROUP, peerUid: String(payload.group_id) };
    return { chatType: ChatType.FRIEND, peerUid: `u_${String(payload.user_id)}` };
  }

  async _handle(payload: Payload): Promise<{ file_id: string }> {
    let file = String(payload.file ?? '');
    if (fs.existsSync(file)) file = `file://${file}`;
    const peer = this.peerOf(payload);
    const context: SendMessageContext = { peer, deleteAfterSentFiles: [] };
    const resolved = await uriToLocalFile(runtimeOf(this.core), this.core.NapCatTempPath, file);
    if (!resolved.success) throw new Error(resolved.errMsg);
    const uploadFile = payload.upload_file === undefined ? true : payload.upload_file === true || payload.upload_file === 'true';
    const folder = String(payload.folder ?? payload.folder_id ?? '');
    const element = await this.obContext.apis.FileApi.createValidSendFileElement(context, resolved.path, String(payload.name ?? ''), folder, uploadFile, resolved.isLocal);
    if (!resolved.isLocal) context.deleteAfterSentFiles.push(resolved.path);
    const returnMsg = await this.obContext.apis.MsgApi.sendMsgWithOb11UniqueId(peer, [element], context.deleteAfterSentFiles);
    return { file_id: returnMsg.elements.find((e) => e.fileElement)?.fileElement?.fileUuid ?? '' };
  }
}
