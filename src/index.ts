// NapCat plugin entry. Module top level stays pure: NapCat imports this file twice per
// start (validate, then load) and again on every reload. All work is in src/napcat/runtime.
import { Runtime } from './napcat/runtime';
import type { PluginConfigSchema, PluginContext } from './napcat/types';

let runtime: Runtime | undefined;

/** The WebUI panel; assigned in plugin_init (ESM live binding), as NapCat's builtin plugin does. */
export let plugin_config_ui: PluginConfigSchema = [];

export async function plugin_init(ctx: PluginContext): Promise<void> {
  runtime = await Runtime.start(ctx);
  plugin_config_ui = runtime.configUi;
}

export async function plugin_cleanup(): Promise<void> {
  const stopping = runtime;
  runtime = undefined;
  await stopping?.stop();
}

export function plugin_get_config(): Record<string, unknown> {
  return runtime?.getConfig() ?? {};
}

/** Exporting this tells NapCat not to write config.json and reload: we apply live and save. */
export async function plugin_set_config(_ctx: PluginContext, config: Record<string, unknown>): Promise<void> {
  await runtime?.setConfig(config);
  if (runtime) plugin_config_ui = runtime.configUi;
}
