import type { LikelyCause } from '../../../../shared/domain/monitoring';
import type { DashboardFormats, Translate } from './format';

/** A likely cause as the user reads it: what it suggests, then the evidence it rests on. */
export function hintText(h: LikelyCause, t: Translate, f: DashboardFormats): { cause: string; evidence: string } {
  switch (h.kind) {
    case 'contact_never_delivers':
      return {
        cause: t('monitoring.hint.contact_never_delivers'),
        evidence: t('monitoring.hint.contact_never_delivers.evidence', {
          delivered: f.count(h.evidence.delivered),
          sends: f.count(h.evidence.recentSends),
          since: f.date(h.evidence.firstOfThoseAt),
          last: h.evidence.lastDeliveredAt === null ? t('monitoring.never') : f.dateTime(h.evidence.lastDeliveredAt),
        }),
      };
    case 'contact_rarely_reads':
      return {
        cause: t('monitoring.hint.contact_rarely_reads'),
        evidence: t('monitoring.hint.contact_rarely_reads.evidence', {
          read: f.count(h.evidence.read),
          delivered: f.count(h.evidence.recentDelivered),
          last: h.evidence.lastReadAt === null ? t('monitoring.never') : f.dateTime(h.evidence.lastReadAt),
        }),
      };
    case 'offline_pattern':
      return {
        cause: t('monitoring.hint.offline_pattern'),
        evidence: t('monitoring.hint.offline_pattern.evidence', {
          share: f.rate(h.evidence.shareInWindow),
          from: f.hour(h.evidence.window.fromHour),
          to: f.hour(h.evidence.window.toHour),
          zone: h.evidence.timeZone,
        }),
      };
    case 'platform_incident':
      return {
        cause: t('monitoring.hint.platform_incident'),
        evidence: t('monitoring.hint.platform_incident.evidence', {
          from: f.dateTime(h.evidence.windowStart),
          to: f.dateTime(h.evidence.windowEnd),
          affected: f.count(h.evidence.contactsAffected),
          contacts: f.count(h.evidence.contactsInWindow),
          median: f.duration(h.evidence.windowMedianMs),
          baseline: f.duration(h.evidence.baselineMedianMs),
        }),
      };
    case 'peak_hour':
      return {
        cause: t('monitoring.hint.peak_hour'),
        evidence: t('monitoring.hint.peak_hour.evidence', {
          hour: f.hour(h.evidence.hourOfDay),
          zone: h.evidence.timeZone,
          hourShare: f.rate(h.evidence.hourShareWithin1h),
          overall: f.rate(h.evidence.overallShareWithin1h),
          median: f.duration(h.evidence.campaignMedianMs),
          baseline: f.duration(h.evidence.baselineMedianMs),
        }),
      };
  }
}
