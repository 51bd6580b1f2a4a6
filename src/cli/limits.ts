// What the command line checks before it creates what its arguments ask for: elements per
// tensor and a memory estimate, against the library's limits (setLimits / STRIATE_MAX_*).
import { checkLimit } from '../tensor/limits.js';
import { sizeOf } from '../tensor/shape.js';

/** Throws a LimitError when a tensor of `shape` would exceed maxTensorElements; `what` names the argument. */
export function checkElements(shape: readonly number[], what: string): void {
  checkLimit('maxTensorElements', sizeOf(shape), `${what} [${shape.join(', ')}] gives a tensor whose element count`);
}

/** Throws a LimitError when the estimated bytes exceed maxMemoryBytes; `what` names the run. */
export function checkMemory(bytes: number, what: string): void {
  checkLimit('maxMemoryBytes', Math.ceil(bytes), `${what} needs about ${(bytes / 2 ** 30).toFixed(1)} GiB (estimated bytes)`);
}
