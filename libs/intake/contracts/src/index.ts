/**
 * Integration events recorded by intake (the street's side of a whistle). Published on
 * TOPICS.whistleEvents inside an Envelope, keyed by whistleId. Additive changes only; a breaking
 * change gets a new schemaVersion and an upcaster.
 */

export interface WhistleLocation {
  address: string;
  /** The address as the recurring-problem rule compares it (full-width digits, 號, spaces folded). */
  normalisedAddress: string;
  communityId: string | null;
  lat: number | null;
  lng: number | null;
}

export interface WhistleBlownData {
  whistleId: string;
  streetId: string;
  situationCode: string;
  area: string;
  title: string;
  description: string;
  location: WhistleLocation;
  requestedDepartments: string[];
  hints: { lifeSafety: boolean; householdsAffected: number | null };
  attachments: Array<{ url: string; kind: string }>;
  channel: 'api' | 'open311' | 'console';
}

export interface WhistleWithdrawnData {
  whistleId: string;
  reason: string;
}
export interface WhistleConfirmedData {
  whistleId: string;
}
export interface WhistleReopenedData {
  whistleId: string;
  reason: string;
}
export interface FeedbackRequestedData {
  whistleId: string;
  tokenHash: string;
  expiresAt: string;
}
export type Rating = 'SATISFIED' | 'BASICALLY_SATISFIED' | 'DISSATISFIED';
export interface FeedbackGivenData {
  whistleId: string;
  rating: Rating;
  score: number;
  comment: string | null;
}

export type IntakeEvent =
  | { type: 'WhistleBlown'; data: WhistleBlownData }
  | { type: 'WhistleWithdrawn'; data: WhistleWithdrawnData }
  | { type: 'WhistleConfirmed'; data: WhistleConfirmedData }
  | { type: 'WhistleReopened'; data: WhistleReopenedData }
  | { type: 'FeedbackRequested'; data: FeedbackRequestedData }
  | { type: 'FeedbackGiven'; data: FeedbackGivenData };
