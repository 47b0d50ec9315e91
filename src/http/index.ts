export { UrlCache, type ContentStore, type UrlCacheOptions, type UrlFetch, type UrlFetchOptions, type UrlOutcome } from './url-cache';
export { UrlFetchError, shortUrl, type UrlFetchErrorCode, type UrlFetchErrorDetails } from './errors';
export type { FreshnessRule } from './freshness-rules';
