export { default as TimeSeriesChart } from './TimeSeriesChart.svelte';
export { configFor, integerTicks, latestValues, nearestIndex, PALETTE, steppedIndex, type ChartConfig, type TimePoint, type ValueFormat } from './chart-config';
export { mergeSeries, shownWindow } from './points';
export { Crosshair, provideCrosshair, useCrosshair } from './crosshair.svelte';
export { timeAxis, timeLabel, valueAxis, type ChartUnit, type TimeAxis, type ValueAxis } from './ticks';
export { UNIT_FORMATS } from './unit-format';
