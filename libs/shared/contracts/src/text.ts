/**
 * Contract §10: every text field is trimmed and NFC-normalised BEFORE its rules apply, so a reason
 * of five spaces is empty (and refused), never stored. Edge DTOs apply {@link cleanText} in a
 * class-transformer `@Transform` before class-validator runs; deciders apply it again to what
 * they record, so no path (HTTP, Kafka, a test) can store an untrimmed or blank reason.
 */
export function cleanText(value: string): string {
  return value.normalize('NFC').trim();
}

/** {@link cleanText} for an untyped input (a DTO field before validation): non-strings unchanged. */
export function cleanTextInput(value: unknown): unknown {
  return typeof value === 'string' ? cleanText(value) : value;
}
