import { describe, expect, it } from 'vitest';
import { sampleRatioMismatch, SRM_CAUSES } from '../../../shared/stats';
import { expectRelativelyClose } from './closeTo';

// Reference values: python3, scipy 1.17.1 (`from scipy import stats`).

describe('sampleRatioMismatch', () => {
  it('matches stats.chisquare on a clean 50/50 split', () => {
    // scipy: stats.chisquare([5100, 4900]) → statistic 4.0, pvalue 0.04550026389635857
    const result = sampleRatioMismatch([5100, 4900]);
    expectRelativelyClose(result.chiSquare, 4, 1e-12);
    expectRelativelyClose(result.pValue, 0.04550026389635857, 1e-12);
    expect(result.degreesOfFreedom).toBe(1);
    expect(result.mismatch).toBe(false); // p > 0.001: not flagged, however tempting 0.05 looks
    expect(result.causesToCheck).toEqual([]);
    expect(result.method).toBe('chi-square-goodness-of-fit');
  });

  it('flags p < 0.001 and lists the Messenger causes as message keys', () => {
    // scipy: stats.chisquare([5200, 4800]) → statistic 16.0, pvalue 6.334248366623988e-05
    const result = sampleRatioMismatch([5200, 4800]);
    expectRelativelyClose(result.pValue, 6.334248366623988e-5, 1e-12);
    expect(result.mismatch).toBe(true);
    expect(result.causesToCheck).toEqual(['srm.cause.sendHours', 'srm.cause.closedWindows', 'srm.cause.rateLimit']);
    expect(SRM_CAUSES).toEqual(result.causesToCheck);
  });

  it('tests against an unequal planned split', () => {
    // scipy: stats.chisquare([1230, 4770], f_exp=[0.2*6000, 0.8*6000]) → 0.9375, pvalue 0.33292160806556315
    const fine = sampleRatioMismatch([1230, 4770], [20, 80]);
    expectRelativelyClose(fine.chiSquare, 0.9375, 1e-12);
    expectRelativelyClose(fine.pValue, 0.33292160806556315, 1e-12);
    expect(fine.expected).toEqual([1200, 4800]);
    // scipy: stats.chisquare([1080, 4920], f_exp=[1200, 4800]) → 15.0, pvalue 0.00010751117672950066
    const skewed = sampleRatioMismatch([1080, 4920], [0.2, 0.8]);
    expectRelativelyClose(skewed.pValue, 0.00010751117672950066, 1e-12);
    expect(skewed.mismatch).toBe(true);
  });

  it('handles 8 variants', () => {
    // scipy: stats.chisquare([1250,1260,1240,1255,1248,1262,1180,1249]) → 3.9275945293644408, pvalue 0.7880783557963356
    const even = sampleRatioMismatch([1250, 1260, 1240, 1255, 1248, 1262, 1180, 1249]);
    expectRelativelyClose(even.chiSquare, 3.9275945293644408, 1e-12);
    expectRelativelyClose(even.pValue, 0.7880783557963356, 1e-12);
    expect(even.degreesOfFreedom).toBe(7);
    // scipy: stats.chisquare([1250,1260,1240,1255,1248,1262,1020,1249]) → 38.7914963205233, pvalue 2.1418578432611244e-06
    const stopped = sampleRatioMismatch([1250, 1260, 1240, 1255, 1248, 1262, 1020, 1249]);
    expectRelativelyClose(stopped.pValue, 2.1418578432611244e-6, 1e-11);
    expect(stopped.mismatch).toBe(true);
  });

  it('does not flag tiny samples or a perfect split', () => {
    // scipy: stats.chisquare([4, 7]) → pvalue 0.36571229628151314; stats.chisquare([5000, 5000]) → pvalue 1.0
    expectRelativelyClose(sampleRatioMismatch([4, 7]).pValue, 0.36571229628151314, 1e-12);
    expect(sampleRatioMismatch([5000, 5000]).pValue).toBe(1);
  });

  it('returns null statistics without exposures', () => {
    const result = sampleRatioMismatch([0, 0, 0]);
    expect(result.pValue).toBeNull();
    expect(result.chiSquare).toBeNull();
    expect(result.mismatch).toBe(false);
  });

  it('rejects malformed input, naming the field', () => {
    expect(() => sampleRatioMismatch([10])).toThrow(/exposures/);
    expect(() => sampleRatioMismatch([10, -1])).toThrow(/exposures\[1\]/);
    expect(() => sampleRatioMismatch([10, 10], [1])).toThrow(/expectedSplit/);
    expect(() => sampleRatioMismatch([10, 10], [1, 0])).toThrow(/expectedSplit\[1\]/);
  });
});
