// NapCat plugin entry. Module top level stays pure: NapCat imports this file
// twice per start (validate, then load) and again on every reload.
export async function plugin_init(): Promise<void> {}

export async function plugin_cleanup(): Promise<void> {}
