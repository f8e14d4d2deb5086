import { getContext, setContext } from 'svelte';

/** The hovered instant, shared by every chart of a page so one crosshair moves across all of them. */
export class Crosshair {
  ts = $state<Date | null>(null);
}

const KEY = Symbol('logstag.crosshair');

/** Called once by a page (or layout) whose charts should share the crosshair. */
export function provideCrosshair(): Crosshair {
  return setContext(KEY, new Crosshair());
}

/** The page's shared crosshair, or a private one when the page did not provide any. */
export function useCrosshair(): Crosshair {
  return getContext<Crosshair | undefined>(KEY) ?? new Crosshair();
}
