import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComparisonMethod, MethodId, PrimaryMetric, type Verdict } from '../../../shared/domain/experiments';
import { SRM_CAUSES } from '../../../shared/stats';
import { buildReading } from '../../../electron/services/experiments/reading';
import { experimentFormats, methodSentences, srmCauseText, verdictSentence, type Translate } from '../../../renderer/src/components/experiments/format';
import { translate, type MessageKey } from '../../../renderer/src/i18n';
import { experimentsEn, experimentsFr } from '../../../renderer/src/i18n/features/experiments';

const tEn: Translate = (key, vars) => translate('en', key, vars);
const tFr: Translate = (key, vars) => translate('fr', key, vars);
// ICU versions differ on which no-break space goes before % or inside 1 200; both keep the number whole.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, '~');

const winner: Verdict = {
  kind: 'variantBetter',
  variant: 'B',
  control: 'A',
  absoluteLift: 0.031,
  diffCiLow: 0.008,
  diffCiHigh: 0.054,
  level: 0.95,
  probabilityToBeatControl: 0.97,
};

describe('the verdict in plain words', () => {
  it('English, numbers in the workspace locale', () => {
    expect(verdictSentence(winner, tEn, experimentFormats('en-US'))).toBe('B is better: +3.1 points, 95% interval +0.8 to +5.4; 97% chance B beats A.');
  });

  it('French, with French number formatting from Intl', () => {
    expect(plain(verdictSentence(winner, tFr, experimentFormats('fr-FR')))).toBe('B fait mieux : +3,1 points, intervalle à 95~% de +0,8 à +5,4 ; 97~% de chances que B batte A.');
  });

  it('how many more contacts, the control winning, never a certain 100 %', () => {
    expect(plain(verdictSentence({ kind: 'notEnoughData', moreContactsNeeded: 1200 }, tFr, experimentFormats('fr-FR')))).toBe('Pas encore assez de données — il faut environ 1~200 contacts de plus.');
    expect(verdictSentence({ kind: 'notEnoughData', moreContactsNeeded: 1200 }, tEn, experimentFormats('en-US'))).toBe('Not enough data yet — about 1,200 more contacts needed.');
    expect(verdictSentence({ ...winner, kind: 'controlBetter', absoluteLift: -0.05, diffCiLow: -0.08, diffCiHigh: -0.02, probabilityToBeatControl: 0.0004 }, tEn, experimentFormats('en-US'))).toBe(
      'A is better: B -5.0 points, 95% interval -8.0 to -2.0; under 1% chance B beats A.',
    );
    expect(verdictSentence({ kind: 'noClickData' }, tEn, experimentFormats('en-US'))).toMatch(/^No click data/);
  });
});

describe('the experiments catalog', () => {
  it('translates every method, test, metric and SRM cause the engine can name', () => {
    const keys = new Set(Object.keys(experimentsEn));
    for (const method of MethodId.options) expect(keys.has(`experiments.method.${method}`), method).toBe(true);
    for (const test of ComparisonMethod.options) expect(keys.has(`experiments.test.${test}`), test).toBe(true);
    for (const metric of PrimaryMetric.options) expect(keys.has(`experiments.metric.${metric}`), metric).toBe(true);
    for (const cause of SRM_CAUSES) {
      expect(keys.has(`experiments.${cause}`), cause).toBe(true);
      expect(srmCauseText(cause, tFr)).not.toBe(cause);
    }
  });

  it('has a translation for every validation key the schemas, the service and the API send', () => {
    const sources = ['shared/domain/experiments.ts', ...fs.readdirSync('electron/services/experiments').map((f) => path.join('electron/services/experiments', f))];
    const used = new Set(sources.flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/'(experiments\.error\.\w+)'/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(20);
    for (const key of used) {
      expect(key in experimentsEn, key).toBe(true);
      expect(key in experimentsFr, key).toBe(true);
    }
  });

  it('keeps the feature prefix, and French typography', () => {
    for (const key of Object.keys(experimentsEn)) expect(key === 'nav.experiments' || key.startsWith('experiments.'), key).toBe(true);
    for (const [key, text] of Object.entries(experimentsFr)) expect(text.includes('“'), key).toBe(false);
  });

  it('writes the methodology note from catalog keys, never from the engine’s English sentences', () => {
    const reading = buildReading({
      control: 'A',
      alpha: 0.05,
      stoppingRule: 'sequential',
      plannedPerVariant: 100,
      ended: false,
      variants: [
        // Smallest expected count 20·8/40 = 4 < 5: Fisher's exact test.
        { name: 'A', exposures: 20, conversions: 1 },
        { name: 'B', exposures: 20, conversions: 7 },
      ],
    });
    const fr = methodSentences(reading, tFr, experimentFormats('fr-FR'), { horizonMinutes: 120, resamples: 2000, seed: 7 });
    expect(plain(fr[0]!)).toBe(plain(translate('fr', 'experiments.method.exposure', { horizon: '2\u00a0heures' })));
    expect(fr.join(' ')).toContain('test exact de Fisher');
    expect(fr.join(' ')).toContain('τ = 5 points');
    expect(fr.join(' ')).not.toMatch(/Contacts were assigned|Holm step-down|Prior Beta|Each arm/);
    const keys = Object.keys(experimentsEn) as MessageKey[];
    expect(keys).toContain('experiments.method.msprt-normal-mixture');
  });
});
