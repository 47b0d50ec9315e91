// OneBot message_id: a 31-bit hash of peer and NT msgId (MessageUnique), not a counter.
import crypto from 'node:crypto';
import type { Peer } from './types';

export function createUniqueMsgId(peer: Peer, msgId: string): number {
  const digest = crypto.createHash('sha1').update(`${peer.chatType}|${peer.peerUid}|${msgId}`).digest();
  return digest.readUInt32BE(0) & 0x7fffffff;
}

/** NT msgIds are 19-digit decimal strings; drawn from the seeded PRNG. */
export function generateMsgId(random: () => number): string {
  let id = '7';
  for (let i = 0; i < 18; i++) id += Math.floor(random() * 10);
  return id;
}
