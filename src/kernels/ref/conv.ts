// PLACEHOLDER: being written in this session; replaced before commit.
export function convForward(..._args: unknown[]): void { throw new Error('convForward: not implemented yet'); }
export function convBackwardInput(..._args: unknown[]): void { throw new Error('convBackwardInput: not implemented yet'); }
export function convBackwardWeight(..._args: unknown[]): void { throw new Error('convBackwardWeight: not implemented yet'); }
