// Argument checks shared by the layer constructors, with messages that name the layer.

/** Throws unless v is an integer ≥ min. */
export function checkInt(layer: string, name: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`${layer}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

export function checkProbability(layer: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${layer}: probability p must be in [0, 1], got ${String(p)}`);
  return p;
}
