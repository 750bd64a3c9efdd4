import type { SegmentFields } from '../../../../shared/domain/segments';
import type { RuleLanguage, RuleLookups } from '../../../../shared/segments/describe';
import { zonedParts } from '../../../../shared/time/zones';

/**
 * Names for the plain-language sentences, and times in the workspace's zone worded in the UI
 * language. Boundaries of whole days (midnight, or a day's last millisecond) read as a date.
 */
export function ruleLookups(fields: SegmentFields | null, lang: RuleLanguage, zone: string): RuleLookups {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: zone });
  const variants = new Map<number, string>();
  for (const c of fields?.campaigns ?? []) for (const v of c.variants) variants.set(v.id, v.name);
  return {
    pageName: (id) => {
      const p = fields?.pages.find((x) => x.id === id);
      return p ? (p.name ?? p.pageId) : undefined;
    },
    campaignName: (id) => fields?.campaigns.find((x) => x.id === id)?.name,
    variantName: (id) => variants.get(id),
    segmentName: (id) => fields?.segments.find((x) => x.id === id)?.name,
    formatTime: (ms) => {
      const p = zonedParts(ms, zone);
      const dayEdge = (p.hour === 0 && p.minute === 0 && p.second === 0) || (p.hour === 23 && p.minute === 59 && p.second === 59);
      return dayEdge ? date.format(ms) : dateTime.format(ms);
    },
  };
}
