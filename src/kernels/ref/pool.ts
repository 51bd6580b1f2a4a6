// PLACEHOLDER: being written in this session; replaced before commit.
export function maxPoolForward(..._args: unknown[]): void { throw new Error('maxPoolForward: not implemented yet'); }
export function maxPoolBackward(..._args: unknown[]): void { throw new Error('maxPoolBackward: not implemented yet'); }
export function avgPoolForward(..._args: unknown[]): void { throw new Error('avgPoolForward: not implemented yet'); }
export function avgPoolBackward(..._args: unknown[]): void { throw new Error('avgPoolBackward: not implemented yet'); }
export function adaptiveAvgPoolForward(..._args: unknown[]): void { throw new Error('adaptiveAvgPoolForward: not implemented yet'); }
export function adaptiveAvgPoolBackward(..._args: unknown[]): void { throw new Error('adaptiveAvgPoolBackward: not implemented yet'); }
