/** Integration events recorded by assessment, published on TOPICS.assessmentEvents. */
export interface Deduction {
  points: number;
  reason: string;
}
export interface StreetRatedData {
  streetId: string;
  departmentId: string;
  period: string;
  deductions: Deduction[];
  score: number;
  comment: string | null;
  revision: number;
}
export interface PeriodClosedData {
  period: string;
  closedAt: string;
}
export type AssessmentEvent =
  | { type: 'StreetRated'; data: StreetRatedData }
  | { type: 'PeriodClosed'; data: PeriodClosedData };
