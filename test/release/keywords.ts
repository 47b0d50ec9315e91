// The 22 words NapCat's v4.18.6+ loader rejects a plugin for (napcat-plugins.md §5.1),
// kept as Unicode code points and decoded at run time, so no file of this repo holds one
// (a guard test that spelled them out got a plugin rejected: qq-chat-exporter #489).
const CODE_POINTS: readonly (readonly number[])[] = [
  [0x53d1, 0x5361], [0x5361, 0x5bc6], [0x5361, 0x7f51], [0x81ea, 0x52a8, 0x53d1, 0x5361], [0x5bc4, 0x552e],
  [0x4ee3, 0x5237], [0x5237, 0x5355], [0x8dd1, 0x5206], [0x56db, 0x4ef6, 0x5957], [0x6d17, 0x94b1],
  [0x9ed1, 0x4ea7], [0x7070, 0x4ea7], [0x535a, 0x5f69], [0x8d4c, 0x535a], [0x83e0, 0x83dc], [0x6d89, 0x9ec4],
  [0x8272, 0x60c5], [0x6536, 0x6b3e, 0x7801], [0x4ee3, 0x4ed8], [0x62c5, 0x4fdd, 0x4ea4, 0x6613],
  [0x7b2c, 0x4e09, 0x65b9, 0x652f, 0x4ed8], [0x55, 0x53, 0x44, 0x54],
];

export function rejectedKeywords(): string[] {
  return CODE_POINTS.map((points) => String.fromCodePoint(...points));
}

/** The keywords in `text`, matched as NapCat does: case-sensitive `includes`. */
export function keywordsIn(text: string, keywords: readonly string[] = rejectedKeywords()): string[] {
  return keywords.filter((word) => text.includes(word));
}
