// NTQQ's native sendMsg resolves {result: -1, errMsg: "rich media transfer failed"} when its
// own upload failed, and NapCat rejects at once with `EventChecker Failed … EventRet:` plus
// that object as indented JSON. Only that failure surely did not deliver.
const KERNEL_RESULT_MINUS_ONE = /"result"\s*:\s*-1(?![0-9])/;
const RICH_MEDIA_TRANSFER_FAILED = /"errMsg"\s*:\s*"rich media transfer failed"/i;
// NapCat's overall send timer: the message may still have been delivered (NapCat #932).
const NAPCAT_TIMEOUT = /\bTimeout:/;

/** NapCat gave up waiting (`Timeout: …`): NTQQ may still be uploading, and may still deliver. */
export function isNapCatTimeout(message: string): boolean {
  return NAPCAT_TIMEOUT.test(message);
}

/**
 * Whether a failed send may be sent again: only a kernel result -1 with errMsg
 * "rich media transfer failed". Never a `Timeout:`, never anything else.
 */
export function isRetryableSendError(message: string): boolean {
  if (NAPCAT_TIMEOUT.test(message)) return false;
  return KERNEL_RESULT_MINUS_ONE.test(message) && RICH_MEDIA_TRANSFER_FAILED.test(message);
}
