// PLACEHOLDER: being written in this session; replaced before commit.
export function batchNormStats(..._args: unknown[]): void { throw new Error('batchNormStats: not implemented yet'); }
export function batchNormForward(..._args: unknown[]): void { throw new Error('batchNormForward: not implemented yet'); }
export function batchNormBackward(..._args: unknown[]): void { throw new Error('batchNormBackward: not implemented yet'); }
