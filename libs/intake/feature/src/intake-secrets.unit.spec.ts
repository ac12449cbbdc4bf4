import { IntakeSecrets, feedbackSecretFrom } from './intake-secrets';
import { FeedbackTokens } from './feedback/feedback-tokens';

const FEEDBACK = 'feedback-secret-feedback-secret-0123456789';
const JWT_A = 'jwt-secret-a-jwt-secret-a-jwt-secret-a-0123';
const JWT_B = 'jwt-secret-b-jwt-secret-b-jwt-secret-b-4567';

describe('the feedback secret', () => {
  it('is CHUISHAO_FEEDBACK_SECRET, trimmed', () => {
    expect(feedbackSecretFrom({ CHUISHAO_FEEDBACK_SECRET: ` ${FEEDBACK} `, CHUISHAO_JWT_SECRET: JWT_A })).toBe(FEEDBACK);
  });

  it('is required in production and never falls back to the JWT secret', () => {
    expect(() => feedbackSecretFrom({ NODE_ENV: 'production', CHUISHAO_JWT_SECRET: JWT_A })).toThrow(/CHUISHAO_FEEDBACK_SECRET is required in production/);
    const warnings: string[] = [];
    const dev = feedbackSecretFrom({ NODE_ENV: 'development', CHUISHAO_JWT_SECRET: JWT_A }, (l) => warnings.push(l));
    expect(dev).not.toBe(JWT_A);
    expect(dev.length).toBeGreaterThanOrEqual(32);
    expect(warnings.join()).toMatch(/not set/);
    expect(warnings.join()).not.toContain(dev);
  });

  it('refuses a short secret and the JWT secret itself', () => {
    expect(() => feedbackSecretFrom({ CHUISHAO_FEEDBACK_SECRET: 'short' })).toThrow(/at least 32/);
    expect(() => feedbackSecretFrom({ CHUISHAO_FEEDBACK_SECRET: JWT_A, CHUISHAO_JWT_SECRET: JWT_A })).toThrow(/must differ/);
  });

  describe('rotating one secret voids nothing else', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
    });
    const linkWith = (env: Record<string, string>) => {
      process.env = { ...saved, ...env };
      return new FeedbackTokens(new IntakeSecrets()).tokenFor('2b7c1f0e-8a55-4a3e-9a43-4c8f5f0f6a01', '4b0b8f3e-4a55-4c9e-9d0e-5d1f8a6b2c11');
    };

    it('a new JWT secret leaves the feedback links as they were', () => {
      expect(linkWith({ CHUISHAO_JWT_SECRET: JWT_B, CHUISHAO_FEEDBACK_SECRET: FEEDBACK })).toBe(linkWith({ CHUISHAO_JWT_SECRET: JWT_A, CHUISHAO_FEEDBACK_SECRET: FEEDBACK }));
    });

    it('a new feedback secret changes the links (and only them)', () => {
      expect(linkWith({ CHUISHAO_JWT_SECRET: JWT_A, CHUISHAO_FEEDBACK_SECRET: `${FEEDBACK}-2` })).not.toBe(linkWith({ CHUISHAO_JWT_SECRET: JWT_A, CHUISHAO_FEEDBACK_SECRET: FEEDBACK }));
    });
  });
});
