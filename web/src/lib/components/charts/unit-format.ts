import { formatBytes, formatCount, formatNumber, formatPercent, formatSeconds } from '$lib/format/number';
import type { ValueFormat } from './chart-config';
import type { ChartUnit } from './ticks';

/** How a chart's legend and tooltip write one value of that unit (the axis has its own, rounder labels). */
export const UNIT_FORMATS: Readonly<Record<ChartUnit, ValueFormat>> = {
  count: formatCount,
  number: formatNumber,
  rate: (v) => `${formatNumber(v)}/s`,
  perMinute: (v) => `${formatNumber(v)}/min`,
  perHour: (v) => `${formatNumber(v)}/h`,
  bytes: formatBytes,
  bytesRate: (v) => `${formatBytes(v)}/s`,
  seconds: formatSeconds,
  msRate: (v) => `${formatNumber(v)} ms/s`,
  ratio: formatPercent,
  percent: (v) => `${formatNumber(v)} %`,
};
