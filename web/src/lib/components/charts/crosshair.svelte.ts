import { getContext, setContext } from 'svelte';

/**
 * The instant under the pointer or chosen with the keyboard, shared by every chart of a page so one crosshair moves
 * across all of them. `owner` is the chart being hovered or focused: only it announces the values to screen readers,
 * so a page of six charts speaks once, not six times.
 */
export class Crosshair {
  ts = $state<Date | null>(null);
  owner = $state<symbol | null>(null);

  show(ts: Date, owner: symbol): void {
    this.ts = ts;
    this.owner = owner;
  }

  /** Hides the crosshair unless another chart has taken it over meanwhile (pointer moved straight from one to the next). */
  release(owner: symbol): void {
    if (this.owner !== owner) return;
    this.ts = null;
    this.owner = null;
  }
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
