// The meta events NapCat itself pushes to event connections (OB11LifeCycleEvent).
export function lifecycleConnect(selfId: number): Record<string, unknown> {
  return { time: Math.floor(Date.now() / 1000), self_id: selfId, post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect' };
}
