/**
 * Normalises a Chinese street address for comparison (recurring-problem rule): NFKC folds
 * full-width digits and letters, 號 becomes 号, white space and common punctuation go, and
 * Chinese numerals stay as written.
 */
export function normaliseAddress(address: string): string {
  return address
    .normalize('NFKC')
    .replace(/號/g, '号')
    .replace(/[\s\u3000·,，。.、\-—_()（）]/g, '')
    .toLowerCase();
}
