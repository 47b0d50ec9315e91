import { copyFile } from 'node:fs/promises';
import { SEND_ACTIONS } from '../onebot/send-actions';
import { AddedLatency } from './added-latency';
import { copyFileHook } from './copy-hook';
import { EntryRepair } from './entry-repair';
import { FileNames } from './file-names';
import type { HookDeps } from './hook-deps';
import { MediaCopies } from './media-copies';
import type { MethodHandler, MethodPatches } from './method-patches';
import { MediaResolver } from './media-resolver';
import { MediaUpload } from './media-upload';
import { SendGate } from './send-gate';
import { SendLifecycle } from './send-lifecycle';
import { SendSources } from './send-sources';
import { field, objectWithMethods } from './shapes';
import { picElementHook } from './pic-elements';
import { videoElementHook } from './video-thumbs';

export interface InstalledHooks {
  gate: SendGate | undefined;
  /** Features that found their target. */
  installed: string[];
}

interface Target {
  feature: string;
  where: string;
  path: readonly string[];
  method: string;
  handler: MethodHandler;
}

/** Guards each hook's handler once more (ReloadHandoff.guard); the identity by default. */
export type HookGuard = (handler: MethodHandler, owner: object, method: string) => MethodHandler;

/**
 * Wraps every hook target found by duck-typing. A target that is missing disables only its
 * own feature, with one log line; the others still work.
 */
export function installHooks(
  patches: MethodPatches,
  deps: Omit<HookDeps, 'copies' | 'sources' | 'repair' | 'latency' | 'names'>,
  actions: { get(name: string): unknown } | undefined,
  guard: HookGuard = (handler) => handler,
): InstalledHooks {
  // Our placements copy with Node's fs, whose promise settles when the bytes are written:
  // QQ's native copy is typed `unknown` in NapCat and may answer before (napcat-pipeline.md §2.3).
  const copies = new MediaCopies((src, dst) => copyFile(src, dst));
  const sources = new SendSources(deps.scopes);
  const repair = new EntryRepair({ ...deps, copies, sources });
  const latency = new AddedLatency(deps.scopes, deps.stats);
  const names = new FileNames(deps.scopes);
  const full: HookDeps = { ...deps, copies, sources, repair, latency, names };
  const resolver = new MediaResolver(full);
  const upload = new MediaUpload(full);
  const lifecycle = new SendLifecycle(full);
  const gate = new SendGate(full);

  const targets: Target[] = [
    { feature: 'send-scope', where: 'ctx.oneBot.apis.MsgApi', path: ['oneBot', 'apis', 'MsgApi'], method: 'createSendElements', handler: (o, s, a) => lifecycle.createSendElements(o, s, a) },
    { feature: 'deletion-list', where: 'ctx.oneBot.apis.MsgApi', path: ['oneBot', 'apis', 'MsgApi'], method: 'sendMsgWithOb11UniqueId', handler: (o, s, a) => lifecycle.sendMsgWithOb11UniqueId(o, s, a) },
    { feature: 'base64', where: 'ctx.oneBot.apis.MsgApi', path: ['oneBot', 'apis', 'MsgApi'], method: 'handleOb11FileLikeMessage', handler: (o, s, a) => resolver.resolve(o, s, a) },
    { feature: 'pic-element', where: 'ctx.oneBot.apis.FileApi', path: ['oneBot', 'apis', 'FileApi'], method: 'createValidSendPicElement', handler: picElementHook(full) },
    { feature: 'video-thumb', where: 'ctx.oneBot.apis.FileApi', path: ['oneBot', 'apis', 'FileApi'], method: 'createValidSendVideoElement', handler: videoElementHook(full) },
    { feature: 'uploadFile', where: 'ctx.core.apis.FileApi', path: ['core', 'apis', 'FileApi'], method: 'uploadFile', handler: (o, s, a) => upload.upload(o, s, a) },
    { feature: 'copyFile', where: 'ctx.core.apis.FileApi', path: ['core', 'apis', 'FileApi'], method: 'copyFile', handler: copyFileHook(full) },
    { feature: 'upload-gate', where: 'ctx.core.apis.MsgApi', path: ['core', 'apis', 'MsgApi'], method: 'sendMsg', handler: (o, s, a) => gate.send(o, s, a) },
  ];

  const roots = { core: deps.core, oneBot: deps.oneBot };
  const installed: string[] = [];
  for (const target of targets) {
    const owner = objectWithMethods(roots, target.path, [target.method]);
    if (owner && patches.wrap(owner, target.method, guard(target.handler, owner, target.method))) installed.push(target.feature);
    else deps.failOpen.disabled(target.feature, `${target.where}.${target.method}`);
  }

  // One scope per request: whatever the action's _handle does on its way is one send
  // (`_async`/`_rate_limited` share these instances).
  const scoped: MethodHandler = (original, self, args) => deps.scopes.run(() => original.apply(self, args) as Promise<unknown>);
  let actionsScoped = 0;
  for (const name of SEND_ACTIONS) {
    const action = safeGet(actions, name);
    if (action && typeof field(action, '_handle') === 'function') {
      patches.wrap(action, '_handle', guard(scoped, action, '_handle'));
      actionsScoped++;
    }
  }
  if (actionsScoped > 0) installed.push('action-scope');
  else deps.failOpen.disabled('action-scope', 'ctx.actions.get(send_msg…)._handle');
  return { gate: installed.includes('upload-gate') ? gate : undefined, installed };
}

function safeGet(actions: { get(name: string): unknown } | undefined, name: string): object | undefined {
  try {
    const action = actions?.get(name);
    return action !== null && typeof action === 'object' ? action : undefined;
  } catch {
    return undefined;
  }
}
