// Whether operations record themselves on the tape: the one grad-mode switch API.md names.
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

function withGradMode<T>(on: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/**
 * Runs `fn` without recording operations for backprop (inference, optimiser updates).
 * @example const y = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` recording operations even inside noGrad (as torch.enable_grad); exportOnnx's trace needs the tape. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
