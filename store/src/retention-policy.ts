/**
 * How long each tier is kept, in hours (configurable per tier; the retention Schedule passes the deployment's values).
 * The retention workflow drops what is older; the explorers choose the finest tier that still covers a range.
 */
export interface RetentionPolicy {
  rawHours: number;
  rollup1mHours: number;
  rollup1hHours: number;
  activityHours: number;
  queryStatsHours: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  rawHours: 72,
  rollup1mHours: 14 * 24,
  rollup1hHours: 400 * 24,
  activityHours: 48,
  queryStatsHours: 30 * 24,
};
